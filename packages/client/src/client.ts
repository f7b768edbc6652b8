// The typed client of HTTP API v1. Reads go to any replica with failover and
// are monotonic (monotonic-reads.ts): none returns an answer older than one
// the client took before; finality is proven (finality.ts), never taken from
// one replica's word.
// Every answer is validated with the @wedge/api schemas and checked against
// the question (an answer about another account is an invalid answer).
import {
  AccountResponse,
  accountFromWire,
  apiPaths,
  BlockResponse,
  BlockResultsResponse,
  blockFromWire,
  blockResultsFromWire,
  ChannelResponse,
  channelFromWire,
  genesisHash,
  MAX_SUBMIT_TXS,
  signedTxToWire,
  StatusResponse,
  SubmitTxsResponse,
  TxStatusResponse,
  type AccountView,
  type BlockResultsView,
  type CommittedBlockView,
  type GenesisFile,
} from '@wedge/api';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KeyPair, SignatureScheme } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { LedgerError, signTx, txHash, type ChannelRecord, type SignedTx, type TxBody } from '@wedge/ledger';
import { ApiError } from './errors.ts';
import { waitForFinality, type FinalTx, type WaitForFinalityOptions } from './finality.ts';
import { requestJson, type Schema } from './http.ts';
import { HeightFloor, withFreshReads } from './monotonic-reads.ts';
import { checkBlockResults, checkCommittedBlock, createProofContext } from './proof.ts';
import { createProvenBlocks } from './proven-blocks.ts';
import { createReplicaPool } from './replica-pool.ts';

export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

export type ClientOptions = {
  genesis: GenesisFile;
  /** Distinct replicas; default: the genesis replica urls. */
  urls?: string[];
  /** Per request; default 5000. */
  timeoutMs?: number;
  /** Verifies certificates and signs transactions; default fastSecp256k1. */
  scheme?: SignatureScheme;
  /** How many replicas must report the same outcome of a final transaction; default f+1. */
  resultConfirmations?: number;
};

/** A transaction body before the client fills in the chain id. */
export type UnsignedTxBody = TxBody extends infer Body ? (Body extends TxBody ? Omit<Body, 'chainId'> : never) : never;

export type SendOptions = WaitForFinalityOptions;

export interface WedgeClient {
  readonly chainId: string;
  readonly genesisHash: string;
  /**
   * The highest L1 height an answer this client took was as of (accounts,
   * channels, statuses of any replica, committed transactions, proven blocks,
   * final transactions). getAccount, getChannel and getStatus() never answer
   * as of a lower one: a replica behind it is failed over, and when all are
   * behind the client waits a little, then fails STALE_READ.
   */
  readonly highestHeight: number;
  /** Submits to one replica (failing over on network errors, timeouts and 5xx); returns the transaction ids. */
  submit(txs: SignedTx | SignedTx[]): Promise<string[]>;
  getTx(hash: string): Promise<TxStatusResponse>;
  getAccount(address: string): Promise<AccountView>;
  /** The record as of the answering replica's height (at least highestHeight). */
  getChannel(id: string): Promise<ChannelRecord>;
  /** A block whose commit certificate verified against the genesis replica set. */
  getBlock(height: number): Promise<CommittedBlockView>;
  /** A block's transaction ids and result codes, in block order, proven by its commit certificate (a few percent of getBlock). */
  getBlockResults(height: number): Promise<BlockResultsView>;
  /** One replica's status: any replica's, monotonic like every read, or the replica `url`'s as it is (a look at that replica: it neither checks nor raises highestHeight). It must serve this genesis. */
  getStatus(url?: string): Promise<StatusResponse>;
  waitForFinality(hash: string, options?: WaitForFinalityOptions): Promise<FinalTx>;
  /** Fills in the chain id and signs with `signers` (the sender, or every member of a channel.open, in order). */
  buildTx(body: UnsignedTxBody, signers: readonly KeyPair[]): SignedTx;
  /** buildTx, submit, and wait for finality. */
  sendTx(body: UnsignedTxBody, signers: readonly KeyPair[], options?: SendOptions): Promise<FinalTx>;
  /** A transfer, at the account's committed nonce unless `nonce` is given. */
  transfer(from: KeyPair, to: string, amount: bigint, options?: SendOptions & { nonce?: number }): Promise<FinalTx>;
}

function invalidOptions(message: string): ApiError {
  return new ApiError('INVALID_OPTIONS', message);
}

function checkedOptions(options: ClientOptions) {
  const urls = options.urls ?? options.genesis.replicas.map((replica) => replica.url);
  if (urls.length === 0) throw invalidOptions('at least one replica url is needed');
  for (const url of urls) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw invalidOptions(`not an http(s) url: ${url}`);
  }
  // Outcome confirmations are counted per url, so one replica must not appear twice.
  if (new Set(urls).size !== urls.length) throw invalidOptions('replica urls must be distinct');
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) throw invalidOptions('timeoutMs must be a positive integer');
  const scheme = options.scheme ?? fastSecp256k1;
  const context = createProofContext(options.genesis, scheme);
  const confirmations = options.resultConfirmations ?? context.f + 1;
  if (!Number.isSafeInteger(confirmations) || confirmations < 1 || confirmations > urls.length) {
    throw invalidOptions(`resultConfirmations must be 1..${urls.length} (the number of urls); f+1 = ${context.f + 1} is the safe choice`);
  }
  return { urls, timeoutMs, scheme, context, confirmations };
}

function invalidAnswer(url: string, message: string): ApiError {
  return new ApiError('INVALID_RESPONSE', `${url}: ${message}`, 200);
}

export function createClient(options: ClientOptions): WedgeClient {
  const { urls, timeoutMs, scheme, context, confirmations } = checkedOptions(options);
  const chainId = options.genesis.chainId;
  const expectedGenesisHash = genesisHash(options.genesis);
  const pool = createReplicaPool(urls);
  const provenBlocks = createProvenBlocks();
  const floor = new HeightFloor();
  /** A read over the replicas that refuses answers older than the floor (failing over, then waiting a little). */
  const freshRead = <T>(attempt: (url: string) => Promise<T>): Promise<T> => withFreshReads(() => pool.withFailover(attempt), (ms) => sleep(ms));

  const get = <T>(url: string, path: string, schema: Schema<T>, requestTimeoutMs = timeoutMs) =>
    requestJson({ baseUrl: url, path, method: 'GET', timeoutMs: requestTimeoutMs, schema });

  const fetchStatus = (url: string, hash: string, requestTimeoutMs = timeoutMs) =>
    get(url, apiPaths.tx(hash), TxStatusResponse, requestTimeoutMs);

  const fetchBlock = async (url: string, height: number, requestTimeoutMs = timeoutMs): Promise<CommittedBlockView> =>
    blockFromWire(await get(url, apiPaths.block(height), BlockResponse, requestTimeoutMs));

  /** True when `url` knows every one of `hashes` (pending or executed). */
  const knowsAll = async (url: string, hashes: readonly string[]): Promise<boolean> => {
    for (const hash of hashes) {
      try {
        await fetchStatus(url, hash);
      } catch {
        return false;
      }
    }
    return true;
  };

  const client: WedgeClient = {
    chainId,
    genesisHash: expectedGenesisHash,
    get highestHeight() {
      return floor.height;
    },

    async submit(txs) {
      const batch = Array.isArray(txs) ? txs : [txs];
      if (batch.length < 1 || batch.length > MAX_SUBMIT_TXS) throw new ApiError('INVALID_BODY', `submit 1..${MAX_SUBMIT_TXS} transactions`);
      let hashes: string[];
      try {
        hashes = batch.map((tx) => txHash(tx));
      } catch (error) {
        if (error instanceof LedgerError) throw new ApiError(error.code, error.message, null, { cause: error });
        throw error;
      }
      const body = Array.isArray(txs) ? batch.map(signedTxToWire) : signedTxToWire(txs);
      return pool.withFailover(async (url, attemptNumber) => {
        try {
          const path = apiPaths.submitTxs();
          const answer = await requestJson({ baseUrl: url, path, method: 'POST', body, timeoutMs, schema: SubmitTxsResponse });
          if (answer.hashes.length !== hashes.length || answer.hashes.some((hash, index) => hash !== hashes[index])) {
            throw invalidAnswer(url, 'answered with other transaction ids than submitted');
          }
          return hashes;
        } catch (error) {
          // A retry may meet its own earlier attempt, which got through although
          // its answer was lost: the replica then refuses a duplicate or a spent
          // nonce. If it knows every transaction, the submission succeeded.
          const conflict = error instanceof ApiError && error.httpStatus === 409;
          if (attemptNumber > 0 && conflict && (await knowsAll(url, hashes))) return hashes;
          throw error;
        }
      });
    },

    getTx: (hash) =>
      pool.withFailover(async (url) => {
        const answer = await fetchStatus(url, hash);
        if (answer.hash !== hash) throw invalidAnswer(url, `answered about transaction ${answer.hash}`);
        if (answer.status !== 'pending') floor.saw(answer.height);
        return answer;
      }),

    getAccount: (address) =>
      freshRead(async (url) => {
        const answer = await get(url, apiPaths.account(address), AccountResponse);
        if (answer.address !== address) throw invalidAnswer(url, `answered about account ${answer.address}`);
        floor.check(url, answer.height);
        return accountFromWire(answer);
      }),

    getChannel: (id) =>
      freshRead(async (url) => {
        const answer = await get(url, apiPaths.channel(id), ChannelResponse);
        if (answer.id !== id) throw invalidAnswer(url, `answered about channel ${answer.id}`);
        floor.check(url, answer.height);
        return channelFromWire(answer);
      }),

    getBlock: (height) =>
      pool.withFailover(async (url) => {
        const view = await fetchBlock(url, height);
        if (view.block.height !== height) throw invalidAnswer(url, `answered with block ${view.block.height}`);
        const proof = checkCommittedBlock(context, view);
        if (typeof proof === 'string') throw new ApiError('UNVERIFIABLE_PROOF', `${url}: block ${height}: ${proof}`, 200);
        provenBlocks.add(proof);
        floor.saw(height);
        return view;
      }),

    getBlockResults: (height) =>
      pool.withFailover(async (url) => {
        const view = blockResultsFromWire(await get(url, apiPaths.blockResults(height), BlockResultsResponse));
        if (view.height !== height) throw invalidAnswer(url, `answered with block ${view.height}`);
        const reason = checkBlockResults(context, view);
        if (reason !== null) throw new ApiError('UNVERIFIABLE_PROOF', `${url}: block ${height}: ${reason}`, 200);
        floor.saw(height);
        return view;
      }),

    getStatus(url) {
      const ask = async (target: string) => {
        const status = await get(target, apiPaths.status(), StatusResponse);
        if (status.chainId !== chainId || status.genesisHash !== expectedGenesisHash) {
          throw new ApiError('WRONG_GENESIS', `${target} serves chain ${status.chainId} with genesis ${status.genesisHash}`, 200);
        }
        return status;
      };
      if (url !== undefined) return ask(url);
      return freshRead(async (target) => {
        const status = await ask(target);
        floor.check(target, status.height);
        return status;
      });
    },

    waitForFinality: async (hash, waitOptions) => {
      const final = await waitForFinality(
        {
          urls,
          nextOrder: pool.nextOrder,
          requestTimeoutMs: timeoutMs,
          confirmations,
          context,
          provenBlocks,
          fetchStatus,
          fetchBlock,
          now: Date.now,
          sleep: (ms) => sleep(ms),
        },
        hash,
        waitOptions,
      );
      // Read your writes: what is read after this is at least as new as the block that holds it.
      floor.saw(final.height);
      return final;
    },

    buildTx: (body, signers) => signTx(scheme, { ...body, chainId } as TxBody, signers),

    async sendTx(body, signers, sendOptions) {
      const [hash] = await client.submit(client.buildTx(body, signers));
      return client.waitForFinality(hash!, sendOptions);
    },

    async transfer(from, to, amount, transferOptions = {}) {
      const nonce = transferOptions.nonce ?? (await client.getAccount(from.address)).nonce;
      const { nonce: _nonce, ...sendOptions } = transferOptions;
      return client.sendTx({ type: 'transfer', from: from.address, nonce, to, amount }, [from], sendOptions);
    },
  };
  return client;
}
