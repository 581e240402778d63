/* global document, location, URLSearchParams, window */
// A classic script, so it runs before the element's module: every policy violation from the first
// byte of the island on is recorded for the test to read.
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.cspViolations.push({
    directive: e.effectiveDirective,
    blocked: e.blockedURI,
    sample: e.sample,
    source: e.sourceFile,
    line: e.lineNumber,
  });
});
document.addEventListener('DOMContentLoaded', () => {
  const q = new URLSearchParams(location.search);
  const el = document.createElement('hero-messaging');
  el.setAttribute('osis-url', q.get('osis'));
  el.setAttribute('context', q.get('context'));
  el.setAttribute('public-key', q.get('key'));
  document.body.append(el);
});
