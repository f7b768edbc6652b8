// The platform APIs that portable code — the cores and what they import — may
// use beyond ECMAScript itself: TextEncoder and TextDecoder, which every
// JavaScript runtime provides (browsers, Node, Deno, Bun, workers: the
// WinterTC Minimum Common API) but TypeScript's ES lib does not declare.
//
// The cores typecheck with `"types": []` and this file alone
// (tsconfig.portable.json), so a core that uses Buffer, process, timers or a
// Node module does not compile there. Declare nothing here that does I/O or
// reads the clock or randomness. (The root tsconfig does not include this
// file: Node's types declare the same classes.)

declare class TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array<ArrayBuffer>;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
