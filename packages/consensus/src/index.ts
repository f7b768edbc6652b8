export * from './messages.ts';
export * from './replica.ts';
export * from './restore.ts';
export * from './rules.ts';
export * from './state.ts';
export * from './types.ts';
