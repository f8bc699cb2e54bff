// A Node test environment whose typed arrays are the host realm's: onnxruntime-node's native code
// makes and checks them there, and jest's sandbox has its own (`instanceof Float32Array` fails across realms).
const { TestEnvironment } = require('jest-environment-node');

class NativeTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of [
      'ArrayBuffer',
      'Uint8Array',
      'Int8Array',
      'Uint16Array',
      'Int16Array',
      'Uint32Array',
      'Int32Array',
      'Float32Array',
      'Float64Array',
      'BigInt64Array',
      'BigUint64Array',
    ]) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = NativeTypedArraysEnvironment;
