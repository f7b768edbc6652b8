// @wedge/api: the wire format of HTTP API v1, shared by the replica (server)
// and @wedge/client. Amounts are decimal strings on the wire and bigint in
// code; every other field travels as it is in code. Every schema is strict.
export * from './fields.ts';
export * from './limits.ts';
export * from './channel-state.ts';
export { txSchemas, WireSignedTx, WireTxBody, WireTxSignature, type TxSchemaOptions } from './tx-schema.ts';
export { WireCommittedTx } from './committed-tx.ts';
export * from './tx-convert.ts';
export * from './submit.ts';
export * from './tx-status.ts';
export * from './account.ts';
export * from './channel.ts';
export * from './block.ts';
export * from './status.ts';
export * from './errors.ts';
export * from './error-codes.ts';
export * from './error-status.ts';
export * from './error-middleware.ts';
export * from './genesis.ts';
export * from './genesis-derive.ts';
export * from './parse.ts';
export * from './routes.ts';
export * from './listen.ts';
export * from './health.ts';
export * from './api-route.ts';
export * from './openapi-document.ts';
export * from './operations-routes.ts';
export * from './replica-routes.ts';
