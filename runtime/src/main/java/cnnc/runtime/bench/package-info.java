/** Benchmarks of compiled models (cnnc bench). Depends on the runtime's compiled-model API. */
package cnnc.runtime.bench;
