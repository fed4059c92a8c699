package dev.millrace.stack;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.aggregations.matrix.MatrixAggregationPlugin;
import org.opensearch.transport.Netty4Plugin;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A single OpenSearch node started from the Maven Central jars, for local development and tests.
 *
 * <p>A distribution loads its modules from a modules/ folder; here they are on the classpath, so they
 * are handed to {@link Node} as classpath plugins, the way OpenSearch's own test MockNode does
 * (OpenSearch 2.x: {@code Node(Environment, Collection<Class<? extends Plugin>>, boolean)}).
 *
 * <p>Usage: {@code java ... dev.millrace.stack.MillraceNode key=value ...}, each argument one node
 * setting (path.home, http.port, ...). SIGTERM closes the node cleanly through a shutdown hook.
 */
public final class MillraceNode extends Node {

    /** The modules a log platform needs; Netty4 provides the HTTP and transport layers. */
    static final Collection<Class<? extends Plugin>> CLASSPATH_PLUGINS = List.of(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        MapperExtrasPlugin.class,
        MatrixAggregationPlugin.class,
        PainlessPlugin.class,
        ReindexPlugin.class
    );

    MillraceNode(Settings settings) {
        // forbidPrivateIndexSettings=true, as in a real distribution.
        super(
            InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), null, () -> settings.get("node.name")),
            CLASSPATH_PLUGINS,
            true
        );
    }

    static Settings parseArgs(String[] args) {
        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got: " + arg);
            }
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return builder.build();
    }

    public static void main(String[] args) throws Exception {
        Settings settings = parseArgs(args);
        MillraceNode node = new MillraceNode(settings);
        CountDownLatch closed = new CountDownLatch(1);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                closed.countDown();
            }
        }, "millrace-node-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.out.println("MillraceNode started: " + settings.get("node.name") + " http.port=" + settings.get("http.port"));
        // Node's own threads are daemons; this non-daemon wait keeps the JVM up until SIGTERM.
        closed.await();
    }
}
