/**
 * The one value grammar (issue 14): what the API accepts is exactly what the agent's wall accepts.
 * Pure functions and constants, no Nest or class-validator: the panel's DTO decorators
 * (src/common), its services and the root agent's plan check (../plan.ts, ../safe-values.ts)
 * all call these. One rule throughout: a value is accepted as sent or refused, never rewritten.
 */
export * from './text';
export * from './usernames';
export * from './scripts';
export * from './domains';
export * from './emails';
export * from './passwords';
export * from './fields';
export * from './databases';
export * from './dns-records';
export * from './mailboxes';
