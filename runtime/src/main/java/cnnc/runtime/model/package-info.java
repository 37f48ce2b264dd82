/** What a model needs at run time beside its code: its weights, checked against the IR. Depends on the compiler IR. */
package cnnc.runtime.model;
