/**
 * A multipart/form-data body with one file field, streamed (never read into memory whole),
 * reporting bytes sent. Its length is known up front, so the server can refuse an oversize
 * upload before it arrives.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';

export interface MultipartBody {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  length: number;
}

export function multipartFileBody(
  filename: string,
  file: Readable,
  fileSize: number,
  onSent: (bytes: number) => void,
): MultipartBody {
  const boundary = `homelab-${randomUUID()}`;
  const safeName = filename.replace(/["\r\n]/g, '_');
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  let sent = 0;
  const iterator = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(head);
    },
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) {
        controller.enqueue(tail);
        controller.close();
        return;
      }
      sent += next.value.length;
      onSent(sent);
      controller.enqueue(next.value);
    },
    cancel() {
      file.destroy();
    },
  });
  return {
    body,
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + fileSize + tail.length,
  };
}
