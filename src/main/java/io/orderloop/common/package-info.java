/** Shared value types, problem details, transactions and the embedded default database. */
@org.springframework.modulith.ApplicationModule(
    type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package io.orderloop.common;
