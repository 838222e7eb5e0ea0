/**
 * Who may call the API: hashed API keys with scopes, the bootstrap admin key, and problem answers
 * for 401/403.
 */
package io.orderloop.security;
