export * from './member.ts';
export * from './payments.ts';
export * from './types.ts';
export * from './watchtower.ts';
