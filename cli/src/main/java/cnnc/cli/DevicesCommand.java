package cnnc.cli;

import cnnc.runtime.opencl.DeviceInfo;
import cnnc.runtime.opencl.OpenCl;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cnnc devices [--json]}: the OpenCL platforms and devices, numbered as {@code --device N} takes them. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List the OpenCL platforms and devices with their limits (--device N picks one).")
final class DevicesCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the devices as a JSON array.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<DeviceInfo> devices = OpenCl.devices();
        if (json) {
            List<Object> list = new java.util.ArrayList<>();
            for (DeviceInfo d : devices) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("index", d.index());
                o.put("platform", d.platform());
                o.put("name", d.name());
                o.put("type", d.type());
                o.put("version", d.version());
                o.put("compute_units", d.computeUnits());
                o.put("global_memory_bytes", d.globalMemory());
                o.put("local_memory_bytes", d.localMemory());
                o.put("max_allocation_bytes", d.maxAllocation());
                o.put("max_work_group_size", d.maxWorkGroupSize());
                o.put("max_clock_mhz", d.maxClockMhz());
                list.add(o);
            }
            out.println(cnnc.compiler.report.Json.write(list));
        } else {
            String platform = null;
            for (DeviceInfo d : devices) {
                if (!d.platform().equals(platform)) {
                    platform = d.platform();
                    out.println("platform: " + platform);
                }
                out.printf(Locale.ROOT, "  %d: %s (%s, %s)%n", d.index(), d.name(), d.type(), d.version());
                out.printf(Locale.ROOT, "     %d compute units at %d MHz, %s global memory (%s in one buffer), %s local"
                        + " memory, work groups up to %d%n", d.computeUnits(), d.maxClockMhz(), bytes(d.globalMemory()),
                        bytes(d.maxAllocation()), bytes(d.localMemory()), d.maxWorkGroupSize());
            }
            DeviceInfo chosen = devices.stream().filter(DeviceInfo::gpu).findFirst().orElse(devices.get(0));
            out.println("default: " + chosen.index() + " (" + (chosen.gpu() ? "the first GPU" : "no GPU; the first "
                    + "device") + ")");
        }
        out.flush();
        return 0;
    }

    private static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%d KiB", b >> 10);
    }
}
