/**
 * Who may call the API: hashed API keys with scopes, the bootstrap admin key, the error budget, and
 * problem answers for 401/403.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"common"})
package io.orderloop.security;
