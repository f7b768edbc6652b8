// @wedge/l2-node: the channel member and watchtower processes (main.ts), and
// what other programs need to talk to them: the L2 HTTP API schemas, a typed
// client, the wire format and the peer envelope authentication.
export * from './l2-api.ts';
export * from './l2-client.ts';
export * from './wire.ts';
export { deriveChannelPeerKeys, isValidMac, macOf, type ChannelPeerKeys } from './peer-auth.ts';
export { PEER_PATH } from './peer-transport.ts';
