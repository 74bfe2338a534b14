import { type ComponentType, createElement, lazy, type ReactElement, useState } from 'react';

/** A view loaded on demand that can also be fetched ahead of its first render. */
export interface LazyView<P extends object> {
  (props: P): ReactElement;
  /** Fetches the view's chunk; a failed fetch may be tried again. */
  preload(): Promise<void>;
}

/**
 * Like `React.lazy`, plus `preload`. React holds back a view that suspended
 * after its fallback was shown for up to 300 ms, so that pages do not flash;
 * for the view a page opens on, that is 300 ms before its data requests even
 * start. A view already fetched when it first renders does not suspend.
 */
export function lazyView<P extends object>(
  load: () => Promise<{ default: ComponentType<P> }>,
): LazyView<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<void> | undefined;
  const preload = () => {
    pending ??= load().then(
      (m) => {
        loaded = m.default;
      },
      (err: unknown) => {
        pending = undefined;
        throw err;
      },
    );
    return pending;
  };
  const Lazy = lazy(() => preload().then(() => ({ default: loaded as ComponentType<P> })));
  function View(props: P): ReactElement {
    // Chosen once per mount: switching from the lazy wrapper to the loaded
    // component later would remount the view and lose its state.
    const [Component] = useState<ComponentType<P>>(() => loaded ?? Lazy);
    return createElement(Component, props);
  }
  View.preload = preload;
  return View;
}
