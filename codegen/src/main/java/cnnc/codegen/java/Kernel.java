package cnnc.codegen.java;

import com.squareup.javapoet.MethodSpec;

/**
 * One generated kernel method and what its callers need: how many output rows it can be split over ({@code rows};
 * the method takes a row range), and how much per-worker scratch it uses (padded image and accumulators).
 */
record Kernel(MethodSpec method, int rows, long paddedScratch, long accScratch) {}
