/**
 * The loader snippet for the script tag: defines a stub `window.opsloop` that
 * records calls until the real script arrives, then loads it asynchronously.
 * docs/sdk.md shows the same text; a browser test runs it.
 */
export function loaderSnippet(
  scriptUrl: string,
  writeKey: string,
  options: Record<string, unknown>,
): string {
  return `!function(w,d,u){var o=w.opsloop=w.opsloop||{};if(o._q||o.getDistinctId)return;o._q=[];"init capture identify alias group reset register unregister optOut optIn flush".split(" ").forEach(function(m){o[m]=function(){o._q.push([m].concat([].slice.call(arguments)))}});o.getDistinctId=o.getSessionId=function(){return null};var s=d.createElement("script");s.async=!0;s.src=u;d.head.appendChild(s)}(window,document,${JSON.stringify(scriptUrl)});
opsloop.init(${JSON.stringify(writeKey)},${JSON.stringify(options)});`;
}
