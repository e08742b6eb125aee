// The COPY half of test/bench/care_ingest.sh: each batch file is one COPY ... FROM STDIN in its
// own transaction (autocommit), into the table given.  With --listen, a second connection
// LISTENs on commgrid_care_alarm while the batches go in, and each alarm's latency is
// measured: from the commit of the batch that raised it (the COPY's reply to this client) to
// the listener receiving it, and from its raised_at (server clock, inside the COPY) to the
// same.  The batch of an alarm is the one whose COPY was running at its raised_at (one host,
// one clock).  Prints `seconds S`, then with --listen `alarms N`, `commit_to_listener_ms
// median M p99 P max X`, `raised_to_listener_ms ...` and `cache devices D bytes B` (the fence
// cache of the ingesting backend).
// With --paired TABLE2 (after --listen, if any), the same batches also go into TABLE2 over a
// connection of its own, alternately: batch i into one table, then into the other, the first
// swapped every batch, so both tables load through the same minutes of a shared machine and
// their ratio does not depend on when each ran.  Prints `seconds2 S` for TABLE2's batches and
// `paired_ratio_median R`, the median over batches of TABLE2's time over TABLE's.
import java.io.FileReader;
import java.io.Reader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.copy.CopyManager;

public class CareIngestBench {
    static long micros(Instant i) { return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000; }

    public static void main(String[] args) throws Exception {
        String url = args[0], table = args[1];
        int a = 2;
        boolean listen = args.length > a && args[a].equals("--listen");
        if (listen) a++;
        String table2 = null;
        if (args.length > a + 1 && args[a].equals("--paired")) { table2 = args[a + 1]; a += 2; }
        List<String> files = new ArrayList<>();
        for (int i = a; i < args.length; i++) files.add(args[i]);
        Collections.sort(files);

        List<long[]> received = Collections.synchronizedList(new ArrayList<>());  // {recv_us, raised_us, sender pid}
        Pattern raisedAt = Pattern.compile("\"raised_at\" : \"([^\"]+)\"");
        Thread listener = null;
        final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        if (listen) {
            Connection l = DriverManager.getConnection(url);
            try (Statement s = l.createStatement()) { s.execute("LISTEN commgrid_care_alarm"); }
            PGConnection pg = l.unwrap(PGConnection.class);
            listener = new Thread(() -> {
                try {
                    while (true) {
                        PGNotification[] got = pg.getNotifications(200);
                        long now = micros(Instant.now());
                        if (got != null && got.length > 0)
                            for (PGNotification n : got) {
                                Matcher m = raisedAt.matcher(n.getParameter());
                                long raised = m.find() ? micros(OffsetDateTime.parse(m.group(1)).toInstant()) : -1;
                                received.add(new long[] {now, raised, n.getPID()});
                            }
                        else if (stop.get())
                            break;
                    }
                    l.close();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            listener.start();
        }

        Connection c = DriverManager.getConnection(url);
        long pid;
        try (Statement s = c.createStatement()) {
            s.execute("SET commgrid.audit = off");
            try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) { rs.next(); pid = rs.getLong(1); }
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        String columns = " (device_id, fixed_at, message, location, fix_source, accuracy_m, battery, sos, fall) FROM STDIN";
        String sql = "COPY " + table + columns;
        Connection c2 = table2 == null ? null : DriverManager.getConnection(url);
        CopyManager copy2 = c2 == null ? null : c2.unwrap(PGConnection.class).getCopyAPI();
        String sql2 = "COPY " + table2 + columns;
        long[] start = new long[files.size()], commit = new long[files.size()];
        long[] took2 = new long[files.size()];
        long nanos = 0, nanos2 = 0;
        for (int i = 0; i < files.size(); i++) {
            boolean secondFirst = c2 != null && i % 2 == 1;
            if (secondFirst) took2[i] = copyOne(copy2, sql2, files.get(i));
            long t = System.nanoTime();
            start[i] = micros(Instant.now());
            try (Reader r = new FileReader(files.get(i))) { copy.copyIn(sql, r); }
            commit[i] = micros(Instant.now());
            nanos += System.nanoTime() - t;
            if (c2 != null && !secondFirst) took2[i] = copyOne(copy2, sql2, files.get(i));
            nanos2 += took2[i];
        }
        System.out.printf("seconds %.3f%n", nanos / 1e9);
        if (c2 != null) {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < files.size(); i++)
                ratios.add((double) took2[i] / Math.max(1, (commit[i] - start[i]) * 1000L));
            Collections.sort(ratios);
            System.out.printf("seconds2 %.3f%n", nanos2 / 1e9);
            System.out.printf("paired_ratio_median %.2f%n", ratios.get(ratios.size() / 2));
            c2.close();
        }
        if (!listen) { c.close(); return; }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT devices, bytes FROM commgrid.care_ingest_cache()")) {
            rs.next();
            System.out.printf("cache devices %d bytes %d%n", rs.getLong(1), rs.getLong(2));
        }
        c.close();
        Thread.sleep(1000);
        stop.set(true);
        listener.join();

        List<Double> fromCommit = new ArrayList<>(), fromRaised = new ArrayList<>();
        received.removeIf(n -> n[2] != pid);   // the paired table's alarms notify too
        for (long[] n : received) {
            fromRaised.add((n[0] - n[1]) / 1000.0);
            for (int i = 0; i < files.size(); i++)
                if (n[1] >= start[i] && n[1] <= commit[i]) { fromCommit.add((n[0] - commit[i]) / 1000.0); break; }
        }
        System.out.printf("alarms %d (%d matched to their batch)%n", received.size(), fromCommit.size());
        print("commit_to_listener_ms", fromCommit);
        print("raised_to_listener_ms", fromRaised);
    }

    // one batch by COPY, its time in nanoseconds
    static long copyOne(CopyManager copy, String sql, String file) throws Exception {
        long t = System.nanoTime();
        try (Reader r = new FileReader(file)) { copy.copyIn(sql, r); }
        return System.nanoTime() - t;
    }

    static void print(String what, List<Double> v) {
        if (v.isEmpty()) { System.out.println(what + " none"); return; }
        Collections.sort(v);
        System.out.printf("%s median %.2f p99 %.2f max %.2f%n", what,
            v.get(v.size() / 2), v.get(Math.min(v.size() - 1, (int) Math.ceil(v.size() * 0.99) - 1)), v.get(v.size() - 1));
    }
}
