package cnnc.runtime.opencl;

import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_LOCAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_CLOCK_FREQUENCY;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * The OpenCL platforms and devices of this machine, through JOCL. JOCL loads the ICD loader ({@code libOpenCL}) on
 * first use; without one, that first use throws a {@link LinkageError}, which becomes the user's message here.
 */
public final class OpenCl {
    /** The message for a machine without OpenCL (the wording, a contract). */
    public static final String NO_PLATFORM = "no OpenCL platform found; install an ICD such as pocl-opencl-icd, or use"
            + " --backend java";

    private OpenCl() {}

    /** A device with its handles. */
    record Device(DeviceInfo info, cl_platform_id platform, cl_device_id id) {}

    /** Every device, numbered platform by platform; empty only when there are platforms without devices. */
    public static List<DeviceInfo> devices() {
        return all().stream().map(Device::info).toList();
    }

    static List<Device> all() {
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            try {
                CL.clGetPlatformIDs(0, null, count);
            } catch (CLException e) {
                // The ICD loader reports CL_PLATFORM_NOT_FOUND_KHR (-1001) when no ICD is installed.
                throw new OpenClException(NO_PLATFORM);
            }
            if (count[0] == 0) {
                throw new OpenClException(NO_PLATFORM);
            }
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            CL.clGetPlatformIDs(platforms.length, platforms, null);
            List<Device> out = new ArrayList<>();
            for (cl_platform_id p : platforms) {
                int[] n = new int[1];
                try {
                    CL.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, n);
                } catch (CLException e) {
                    continue; // CL_DEVICE_NOT_FOUND: a platform with no device
                }
                cl_device_id[] ids = new cl_device_id[n[0]];
                CL.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, ids.length, ids, null);
                String platform = string(p);
                for (cl_device_id id : ids) {
                    out.add(new Device(new DeviceInfo(out.size(), platform, deviceString(id, CL_DEVICE_NAME),
                            type(longInfo(id, CL_DEVICE_TYPE)), deviceString(id, CL_DEVICE_VERSION),
                            (int) intInfo(id, CL_DEVICE_MAX_COMPUTE_UNITS), longInfo(id, CL_DEVICE_GLOBAL_MEM_SIZE),
                            longInfo(id, CL_DEVICE_LOCAL_MEM_SIZE), longInfo(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                            sizeInfo(id, CL_DEVICE_MAX_WORK_GROUP_SIZE), intInfo(id, CL_DEVICE_MAX_CLOCK_FREQUENCY)),
                            p, id));
                }
            }
            if (out.isEmpty()) {
                throw new OpenClException("OpenCL platforms were found, but no devices; check the ICD's installation,"
                        + " or use --backend java");
            }
            return out;
        } catch (LinkageError e) {
            throw new OpenClException(NO_PLATFORM);
        }
    }

    /**
     * The device {@code --device} names: a number (its index in {@link #devices()}), or text found in its name or
     * platform name (case-insensitive; the first match); null for the default, the first GPU, else the first device.
     */
    static Device select(String spec) {
        List<Device> all = all();
        if (spec == null) {
            return all.stream().filter(d -> d.info().gpu()).findFirst().orElse(all.get(0));
        }
        if (spec.matches("\\d+")) {
            int i = Integer.parseInt(spec);
            if (i >= all.size()) {
                throw new OpenClException("--device " + spec + ": there " + (all.size() == 1 ? "is 1 device (0)"
                        : "are " + all.size() + " devices (0.." + (all.size() - 1) + ")") + "; see cnnc devices");
            }
            return all.get(i);
        }
        String want = spec.toLowerCase(Locale.ROOT);
        return all.stream().filter(d -> (d.info().name() + " " + d.info().platform()).toLowerCase(Locale.ROOT)
                .contains(want)).findFirst().orElseThrow(() -> new OpenClException("--device '" + spec
                + "' matches no device name or platform; see cnnc devices"));
    }

    private static String type(long t) {
        if ((t & CL_DEVICE_TYPE_GPU) != 0) {
            return "GPU";
        }
        if ((t & CL_DEVICE_TYPE_CPU) != 0) {
            return "CPU";
        }
        return (t & CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "accelerator" : "other";
    }

    private static String string(cl_platform_id p) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(p, CL_PLATFORM_NAME, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetPlatformInfo(p, CL_PLATFORM_NAME, b.length, Pointer.to(b), null);
        return text(b);
    }

    private static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetDeviceInfo(d, param, b.length, Pointer.to(b), null);
        return text(b);
    }

    private static String text(byte[] b) {
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) {
            n--;
        }
        return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8).strip();
    }

    private static long longInfo(cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    private static long intInfo(cl_device_id d, int param) {
        int[] v = new int[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0] & 0xFFFFFFFFL;
    }

    private static long sizeInfo(cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }
}
