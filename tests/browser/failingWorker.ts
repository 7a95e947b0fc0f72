// A worker script that fails while it starts, as a worker whose imports break would: the scorer client must reject.
throw new Error('this test worker fails on purpose while starting');
export {};
