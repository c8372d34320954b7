/**
 * JSON text written as UTF-8 bytes into one growing buffer: no string per piece, the byte length
 * known at the end, and the bytes handed to the socket as they are. `at`/`rewind` take back what
 * was written since a mark (a null propagating up discards its object's text).
 */
export class JsonBytes {
  private buffer: Buffer;
  private length = 0;

  constructor(expectedBytes: number) {
    this.buffer = Buffer.allocUnsafeSlow(Math.max(expectedBytes, 1024));
  }

  get at(): number {
    return this.length;
  }

  rewind(mark: number): void {
    this.length = mark;
  }

  /** The bytes written (a view, not a copy). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  byte(code: number): void {
    if (this.length === this.buffer.length) this.grow(1);
    this.buffer[this.length++] = code;
  }

  /** Bytes made once (a key with its separator, a literal). */
  raw(bytes: Uint8Array): void {
    const count = bytes.length;
    if (this.length + count > this.buffer.length) this.grow(count);
    this.buffer.set(bytes, this.length);
    this.length += count;
  }

  /** Text known to be ASCII with nothing to escape (a number's digits). */
  ascii(text: string): void {
    const count = text.length;
    if (this.length + count > this.buffer.length) this.grow(count);
    const buffer = this.buffer;
    let at = this.length;
    for (let index = 0; index < count; index++) buffer[at++] = text.charCodeAt(index);
    this.length = at;
  }

  /** A string as JSON.stringify quotes and escapes it. */
  string(text: string): void {
    const count = text.length;
    if (this.length + count + 2 > this.buffer.length) this.grow(count + 2);
    const buffer = this.buffer;
    const start = this.length;
    let at = start;
    buffer[at++] = QUOTE;
    // Printable ASCII without `"` or `\` is copied as it is; anything else takes JSON.stringify's way.
    for (let index = 0; index < count; index++) {
      const code = text.charCodeAt(index);
      if (code < 0x20 || code > 0x7e || code === QUOTE || code === BACKSLASH) {
        this.length = start;
        this.encoded(JSON.stringify(text));
        return;
      }
      buffer[at++] = code;
    }
    buffer[at++] = QUOTE;
    this.length = at;
  }

  /** A scalar or enum value as JSON.stringify writes it. */
  leaf(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.string(value);
        return;
      case 'number':
        if (Number.isFinite(value)) this.ascii(String(value));
        else this.raw(NULL_TEXT);
        return;
      case 'boolean':
        this.raw(value ? TRUE_TEXT : FALSE_TEXT);
        return;
      default:
        // A custom scalar's object or list (JSON.stringify writes no text for a function: null, as in a list).
        this.encoded(JSON.stringify(value) ?? 'null');
    }
  }

  /** JSON text of any characters, UTF-8 encoded. */
  encoded(text: string): void {
    // A UTF-16 unit takes at most 3 bytes (a pair of them, 4).
    if (this.length + text.length * 3 > this.buffer.length) this.grow(text.length * 3);
    this.length += this.buffer.write(text, this.length);
  }

  private grow(needed: number): void {
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.length + needed));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export const bytesOf = (text: string): Uint8Array => Buffer.from(text, 'utf8');

export const NULL_TEXT = bytesOf('null');
const TRUE_TEXT = bytesOf('true');
const FALSE_TEXT = bytesOf('false');
