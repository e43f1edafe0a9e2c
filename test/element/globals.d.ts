// The browser tests run in mocha (through @web/test-runner); TypeScript 7 includes no @types by default.
/// <reference types="mocha" />
