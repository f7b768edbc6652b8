// A few DOM helpers. Everything shown comes from other processes (member and
// replica answers, error messages), so text is only ever set as text — never
// parsed as HTML — and the page needs no framework to stay safe.

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined>;

/** `h('td', { class: 'num' }, 'text', child)`: an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attributes: Attributes = {}, ...children: Child[]): SVGElement {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'number' ? String(child) : child);
  }
}

/** Replaces the children of `#id`. */
export function fill(id: string, ...children: Child[]): void {
  const target = document.getElementById(id);
  if (target === null) return;
  target.replaceChildren();
  append(target, children);
}

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** `3f2a9c…e1` for long hex. */
export function short(hex: string | null, head = 8, tail = 4): string {
  if (hex === null) return '—';
  if (hex.length <= head + tail + 1) return hex;
  // slice(-0) would be the whole string: no tail means just the head.
  return tail === 0 ? `${hex.slice(0, head)}…` : `${hex.slice(0, head)}…${hex.slice(-tail)}`;
}

/** Thousands separators for decimal strings of any length (amounts are bigint-sized). */
export function amount(decimal: string | null): string {
  if (decimal === null) return '—';
  return decimal.replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
