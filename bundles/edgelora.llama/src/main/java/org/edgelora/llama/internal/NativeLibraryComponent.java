package org.edgelora.llama.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.net.URL;
import java.nio.file.Path;

import org.edgelora.llama.LlamaNativeLibrary;
import org.edgelora.llama.NativeLibraryExtractor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts java-llama.cpp's native library into {@code <data>/native} and loads it once for FFM.
 * The data folder is the framework property {@value #DATA_PROPERTY}, set by the launcher.
 */
@Component(service = LlamaNativeLibrary.class, immediate = true)
public final class NativeLibraryComponent implements LlamaNativeLibrary {

    static final String DATA_PROPERTY = "edgelora.data";
    /** java-llama.cpp's own loader copies the library here; pointing it at our copy keeps one file. */
    private static final String JAVA_LLAMA_TMPDIR = "de.kherud.llama.tmpdir";

    private static final Logger LOG = LoggerFactory.getLogger(NativeLibraryComponent.class);

    private final Path path;
    private final SymbolLookup symbols;
    private final String systemInfo;

    @Activate
    public NativeLibraryComponent(BundleContext context) throws IOException {
        String resource = NativeLibraryExtractor.resourceForThisMachine();
        URL url = context.getBundle().getEntry(resource);
        if (url == null) {
            throw new IllegalStateException("bundle " + context.getBundle().getSymbolicName() + " lacks " + resource);
        }
        Path nativeDir = dataFolder(context).resolve("native");
        this.path = NativeLibraryExtractor.extract(url, nativeDir);
        System.setProperty(JAVA_LLAMA_TMPDIR, nativeDir.toString());
        this.symbols = load(path);
        this.systemInfo = callSystemInfo(symbols);
        LOG.info("llama.cpp native library loaded from {}: {}", path, systemInfo.strip());
    }

    private static Path dataFolder(BundleContext context) {
        String data = context.getProperty(DATA_PROPERTY);
        return Path.of(data != null ? data : "data").toAbsolutePath();
    }

    private static SymbolLookup load(Path library) {
        try {
            return SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException e) {
            // dlopen's reason is in the message; the usual one on a fresh machine is a missing OpenMP runtime
            throw new IllegalStateException("cannot load " + library + ": " + e.getMessage()
                    + " (llama.cpp needs libgomp.so.1: apt-get install libgomp1)", e);
        }
    }

    private static String callSystemInfo(SymbolLookup symbols) {
        MemorySegment function = symbols.find("llama_print_system_info")
                .orElseThrow(() -> new IllegalStateException("llama_print_system_info not exported"));
        try {
            MemorySegment text = (MemorySegment) Linker.nativeLinker()
                    .downcallHandle(function, FunctionDescriptor.of(ValueLayout.ADDRESS))
                    .invokeExact();
            return text.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable e) {
            throw new IllegalStateException("llama_print_system_info failed", e);
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public SymbolLookup symbols() {
        return symbols;
    }

    @Override
    public String systemInfo() {
        return systemInfo;
    }
}
