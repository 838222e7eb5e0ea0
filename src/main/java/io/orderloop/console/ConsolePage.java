package io.orderloop.console;

/**
 * Marks the controllers that serve console pages: their errors are pages ({@link ConsoleErrors}).
 */
interface ConsolePage {}
