/** One Server-Sent Event as the stream sent it. */
export interface StreamEvent {
  event: string;
  data: unknown;
  id?: string;
}

/** A `GET /_ml/notifications/stream` read as it arrives; `next` waits for the next event of a kind. */
export interface EventStream {
  status: number;
  events: StreamEvent[];
  next(event: string, timeoutMs?: number): Promise<StreamEvent>;
  close(): void;
}

export async function openEventStream(url: string, headers: Record<string, string>): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const events: StreamEvent[] = [];
  let read = 0;
  const waiters: Array<() => void> = [];
  const pump = async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const fields: Record<string, string> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
        }
        if (fields.data === undefined) continue;
        events.push({
          event: fields.event ?? 'message',
          data: JSON.parse(fields.data),
          ...(fields.id !== undefined && { id: fields.id }),
        });
        for (const wake of waiters.splice(0)) wake();
      }
    }
  };
  if (response.ok) pump().catch(() => {});
  return {
    status: response.status,
    events,
    async next(event, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (read < events.length) {
          const candidate = events[read++]!;
          if (candidate.event === event) return candidate;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${event} event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: () => controller.abort(),
  };
}
