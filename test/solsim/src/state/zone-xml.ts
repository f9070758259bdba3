// A small XML reader and writer for the zones DTD (zonecfg.dtd.1): elements, attributes,
// comments, a prolog and a DOCTYPE; no text content, namespaces or CDATA, because the
// zone configuration and the detach manifest have none. Not a general XML parser.

export interface XmlElement {
  name: string;
  /** Attributes in document order. */
  attrs: [string, string][];
  children: XmlElement[];
}

export class XmlSyntaxError extends Error {}

export function attr(el: XmlElement, name: string): string | undefined {
  return el.attrs.find(([k]) => k === name)?.[1];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ent: string) => {
    if (ent.startsWith('#x')) return String.fromCodePoint(parseInt(ent.slice(2), 16));
    if (ent.startsWith('#')) return String.fromCodePoint(parseInt(ent.slice(1), 10));
    const named = ENTITIES[ent];
    if (named === undefined) throw new XmlSyntaxError(`unknown entity ${whole}`);
    return named;
  });
}

export function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Parses a document and returns its root element. Throws XmlSyntaxError. */
export function parseXml(text: string): XmlElement {
  let pos = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;

  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos += 1;
  };
  const expect = (s: string): void => {
    if (!text.startsWith(s, pos)) throw new XmlSyntaxError(`expected '${s}' at offset ${pos}`);
    pos += s.length;
  };
  const skipPast = (s: string): void => {
    const at = text.indexOf(s, pos);
    if (at < 0) throw new XmlSyntaxError(`unterminated construct, expected '${s}'`);
    pos = at + s.length;
  };
  const readName = (): string => {
    const m = /^[A-Za-z_:][-A-Za-z0-9_.:]*/.exec(text.slice(pos));
    if (!m) throw new XmlSyntaxError(`expected a name at offset ${pos}`);
    pos += m[0].length;
    return m[0];
  };

  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    if (lt < 0) {
      if (text.slice(pos).trim() !== '') throw new XmlSyntaxError('text outside of elements');
      break;
    }
    if (text.slice(pos, lt).trim() !== '') throw new XmlSyntaxError(`unexpected text at offset ${pos}`);
    pos = lt;
    if (text.startsWith('<?', pos)) {
      skipPast('?>');
    } else if (text.startsWith('<!--', pos)) {
      skipPast('-->');
    } else if (text.startsWith('<!DOCTYPE', pos)) {
      skipPast('>');
    } else if (text.startsWith('</', pos)) {
      pos += 2;
      const name = readName();
      skipSpace();
      expect('>');
      const open = stack.pop();
      if (!open || open.name !== name) throw new XmlSyntaxError(`mismatched closing tag </${name}>`);
    } else {
      pos += 1;
      const el: XmlElement = { name: readName(), attrs: [], children: [] };
      for (;;) {
        skipSpace();
        if (text.startsWith('/>', pos) || text.startsWith('>', pos)) break;
        const key = readName();
        skipSpace();
        expect('=');
        skipSpace();
        const quote = text[pos];
        if (quote !== '"' && quote !== "'") throw new XmlSyntaxError(`unquoted attribute ${key}`);
        const end = text.indexOf(quote, pos + 1);
        if (end < 0) throw new XmlSyntaxError(`unterminated attribute ${key}`);
        el.attrs.push([key, decode(text.slice(pos + 1, end))]);
        pos = end + 1;
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) throw new XmlSyntaxError('more than one root element');
      else root = el;
      if (text.startsWith('/>', pos)) {
        pos += 2;
      } else {
        pos += 1;
        stack.push(el);
      }
    }
  }
  if (stack.length > 0) throw new XmlSyntaxError(`unclosed element <${stack[stack.length - 1]!.name}>`);
  if (!root) throw new XmlSyntaxError('empty document');
  return root;
}

/** libxml2's xmlSaveFormatFile layout: two-space indentation, empty elements self-closed. */
export function formatElement(el: XmlElement, indent = ''): string {
  const attrs = el.attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
  if (el.children.length === 0) return `${indent}<${el.name}${attrs}/>\n`;
  return (
    `${indent}<${el.name}${attrs}>\n` +
    el.children.map((c) => formatElement(c, indent + '  ')).join('') +
    `${indent}</${el.name}>\n`
  );
}
