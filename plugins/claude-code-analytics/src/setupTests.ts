import '@testing-library/jest-dom';

// jsdom has no layout engine and no ResizeObserver, which recharts' ResponsiveContainer needs.
class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
if (!('ResizeObserver' in globalThis)) {
  Object.defineProperty(globalThis, 'ResizeObserver', {
    value: NoopResizeObserver,
    writable: true,
  });
}
