// The timers a core asks for, by name: `set-timer {name, token, afterMs}`
// replaces the timer of that name, `clear-timer` cancels it, and an expired
// timer comes back to the shell as its name and the token it was set with —
// the core ignores a timeout whose token is no longer the current one, so a
// timer that fires just as it is replaced does no harm. One Node timer per
// name at most, and no closure per timer (the expiry handler is bound once).

export class TokenTimers<Name, Token> {
  private readonly pending = new Map<Name, NodeJS.Timeout>();
  private readonly expire = (name: Name, token: Token): void => {
    this.pending.delete(name);
    this.expired(name, token);
  };

  constructor(
    /** Called with an expired timer's name and token (the shell queues the core's timeout event). */
    private readonly expired: (name: Name, token: Token) => void,
  ) {}

  /** Timers waiting. */
  get size(): number {
    return this.pending.size;
  }

  set(name: Name, token: Token, afterMs: number): void {
    this.clear(name);
    this.pending.set(name, setTimeout(this.expire, afterMs, name, token));
  }

  clear(name: Name): void {
    const timer = this.pending.get(name);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.pending.delete(name);
  }

  clearAll(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
