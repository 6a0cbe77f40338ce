/**
 * Loads pdf.js (its legacy build, the one meant for Node) without letting it slow down the rest
 * of the process. The build bundles core-js polyfills, and on Node 20 some of them replace
 * native built-ins process-wide with JavaScript versions: JSON.stringify became ~60× slower,
 * JSON.parse and Array.prototype.push slower, in every module, once a PDF had been parsed. Native
 * methods that the polyfills replaced are put back; the ones they add (which pdf.js needs, e.g.
 * Promise.withResolvers) stay. pdf.js's worker module is loaded here too (it is set as
 * `globalThis.pdfjsWorker`, which pdf.js uses instead of importing it on the first document).
 */
import type * as PdfJsModule from 'pdfjs-dist/legacy/build/pdf.mjs';

type PdfJs = typeof PdfJsModule;

/** pdf.js's worker half (untyped), run in this thread. */
const WORKER_MODULE = 'pdfjs-dist/legacy/build/pdf.worker.mjs';

/** Objects whose built-in methods the polyfills may replace. */
function builtIns(): object[] {
  const typedArray = Object.getPrototypeOf(Uint8Array) as object;
  const iteratorPrototype = Object.getPrototypeOf(
    Object.getPrototypeOf([][Symbol.iterator]()),
  ) as object;
  const constructors = [Object, Array, Promise, Map, Set, WeakMap, String, Number, Symbol];
  const withPrototypes = [...constructors, ArrayBuffer, DataView, RegExp, Function, Error];
  return [
    globalThis,
    JSON,
    Math,
    Reflect,
    typedArray,
    (typedArray as { prototype: object }).prototype,
    Uint8Array,
    Uint8Array.prototype,
    iteratorPrototype,
    ...withPrototypes,
    ...withPrototypes.map((constructor) => constructor.prototype as object),
  ];
}

type Snapshot = Map<object, Map<PropertyKey, PropertyDescriptor>>;

function snapshot(objects: readonly object[]): Snapshot {
  const saved: Snapshot = new Map();
  for (const object of objects) {
    const descriptors = new Map<PropertyKey, PropertyDescriptor>();
    for (const key of Reflect.ownKeys(object)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(object, key);
      if (descriptor) descriptors.set(key, descriptor);
    }
    saved.set(object, descriptors);
  }
  return saved;
}

/** Puts back every native property a polyfill replaced (a lazy getter turned into its own value is kept). */
function restore(saved: Snapshot): void {
  for (const [object, descriptors] of saved) {
    for (const [key, before] of descriptors) {
      const after = Reflect.getOwnPropertyDescriptor(object, key);
      if (!after || !('value' in after)) {
        if (after?.get !== before.get || after?.set !== before.set) {
          Reflect.defineProperty(object, key, before);
        }
        continue;
      }
      if (!Object.is(after.value, valueOf(object, before))) {
        Reflect.defineProperty(object, key, before);
      }
    }
  }
}

function valueOf(object: object, descriptor: PropertyDescriptor): unknown {
  if ('value' in descriptor) return descriptor.value;
  try {
    return descriptor.get?.call(object);
  } catch {
    return undefined;
  }
}

let loading: Promise<PdfJs> | undefined;

/** pdf.js, loaded once, with the process's native built-ins left in place. */
export function loadPdfJs(): Promise<PdfJs> {
  loading ??= (async () => {
    const saved = snapshot(builtIns());
    try {
      const [pdfjs, worker] = await Promise.all([
        import('pdfjs-dist/legacy/build/pdf.mjs'),
        import(WORKER_MODULE) as Promise<unknown>,
      ]);
      (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= worker;
      return pdfjs;
    } finally {
      restore(saved);
    }
  })();
  return loading;
}
