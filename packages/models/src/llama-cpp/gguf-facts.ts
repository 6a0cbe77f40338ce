/**
 * Facts read from a GGUF file's header without loading the model (cheap: no weights are read).
 */
/** The model's embedding length, or undefined when the header cannot be read. */
export async function ggufEmbeddingLength(modelPath: string): Promise<number | undefined> {
  try {
    const { readGgufFileInfo } = await import('node-llama-cpp');
    const info = await readGgufFileInfo(modelPath, { readTensorInfo: false, logWarnings: false });
    return info.architectureMetadata.embedding_length;
  } catch {
    return undefined;
  }
}

/** The file name of a model path, as a `modelName`. */
export function modelFileName(modelPath: string): string {
  return modelPath.split('/').at(-1) ?? modelPath;
}

/**
 * Whether the model has a classification head (`cls.weight` / `cls.output.weight`), which
 * llama.cpp needs to rerank; undefined when the header cannot be read.
 */
export async function ggufHasClassificationHead(modelPath: string): Promise<boolean | undefined> {
  try {
    const { readGgufFileInfo } = await import('node-llama-cpp');
    const info = await readGgufFileInfo(modelPath, { logWarnings: false });
    return (info.fullTensorInfo ?? []).some(
      (tensor) => tensor.name === 'cls.weight' || tensor.name === 'cls.output.weight',
    );
  } catch {
    return undefined;
  }
}
