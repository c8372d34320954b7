import type { DocumentNode } from 'graphql';

/**
 * What a module derives from one operation of one parsed document, kept by the document object:
 * Apollo Server hands every request with the same text the same parsed document (its document
 * store), so a hit is two map reads, with no key built from the 64-character query hash per request.
 * Entries go with their document (when the document store drops it); `clear()` drops them all,
 * for a new supergraph.
 */
export class OperationCache<T> {
  private byDocument = new WeakMap<DocumentNode, Map<string, T>>();

  /** The value for the operation named `operationName` (empty: the document's only operation), computed on a miss. */
  get(document: DocumentNode, operationName: string | null | undefined, compute: () => T): T {
    let byOperation = this.byDocument.get(document);
    if (!byOperation) this.byDocument.set(document, (byOperation = new Map()));
    const name = operationName ?? '';
    let value = byOperation.get(name);
    if (value === undefined) byOperation.set(name, (value = compute()));
    return value;
  }

  clear(): void {
    this.byDocument = new WeakMap();
  }
}
