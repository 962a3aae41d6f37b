import type { ApiEventName, ApiEvents } from './contract';

type Listener<E extends ApiEventName> = (payload: ApiEvents[E]) => void;

/** Listeners per API event. `onActive(true/false)` tells an adapter when the first listener came or the last left. */
export class EventHub {
  private readonly listeners = new Map<ApiEventName, Set<Listener<ApiEventName>>>();
  private count = 0;

  constructor(private readonly onActive?: (active: boolean) => void) {}

  on<E extends ApiEventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = listener as Listener<ApiEventName>;
    if (set.has(l)) return () => {};
    set.add(l);
    if (++this.count === 1) this.onActive?.(true);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      set.delete(l);
      if (--this.count === 0) this.onActive?.(false);
    };
  }

  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`casebook: a listener of "${event}" failed`, error);
      }
    }
  }
}
