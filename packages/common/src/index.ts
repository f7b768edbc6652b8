export * from './assert.ts';
export * from './bytes.ts';
export * from './errors.ts';
export * from './oldest.ts';
