-- People who sign in to the operator console: e-mail, role, a password hash (Spring Security's delegating
-- encoder, bcrypt), and the failed sign-ins that lock an account for a while.
CREATE TABLE console_users (
    id             uuid PRIMARY KEY,
    email          text        NOT NULL,
    name           text        NOT NULL,
    role           text        NOT NULL CHECK (role IN ('ADMIN', 'OPERATIONS', 'FINANCE', 'CUSTOMER_SERVICE')),
    password_hash  text        NOT NULL,
    enabled        boolean     NOT NULL DEFAULT true,
    failed_logins  integer     NOT NULL DEFAULT 0,
    locked_until   timestamptz,
    last_login_at  timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE UNIQUE INDEX console_users_email ON console_users (lower(email));
