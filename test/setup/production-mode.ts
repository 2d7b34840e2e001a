// The production test project: the library reads NODE_ENV once, when its modules are
// first imported, which happens after this setup file runs in each test file's worker.
process.env.NODE_ENV = 'production'
