export * from './replica-store.ts';
export * from './sqlite.ts';
