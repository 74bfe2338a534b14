import { type ComponentType, createElement, lazy, type ReactElement, useState } from 'react';

/** A view loaded on demand that can also be fetched ahead of its first render. */
export interface LazyView<P extends object> {
  (props: P): ReactElement;
  /** Fetches the view's chunk; a failed fetch may be tried again. */
  preload(): Promise<void>;
}

interface Entry<P extends object> {
  loaded?: ComponentType<P> | undefined;
  readonly lazy: ComponentType<P>;
}

/**
 * Renders the loaded view when it is there at mount, else the lazy wrapper;
 * chosen once per mount, since switching from the wrapper to the loaded
 * component later would remount the view and lose its state.
 */
function ViewHost<P extends object>({ entry, props }: { entry: Entry<P>; props: P }) {
  const [component] = useState<ComponentType<P>>(() => entry.loaded ?? entry.lazy);
  return createElement(component, props);
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
  let pending: Promise<void> | undefined;
  const preload = () => {
    pending ??= load().then(
      (m) => {
        entry.loaded = m.default;
      },
      (err: unknown) => {
        pending = undefined;
        throw err;
      },
    );
    return pending;
  };
  const entry: Entry<P> = {
    lazy: lazy(() => preload().then(() => ({ default: entry.loaded as ComponentType<P> }))),
  };
  const view = (props: P): ReactElement => createElement(ViewHost<P>, { entry, props });
  return Object.assign(view, { preload });
}
