// The COPY half of test/bench/care_ingest.sh: each batch file is one COPY ... FROM STDIN in its
// own transaction (autocommit), into the table given.  With --listen, a second connection
// LISTENs on commgrid_care_alarm while the batches go in, and each alarm's latency is
// measured: from the commit of the batch that raised it (the COPY's reply to this client) to
// the listener receiving it, and from its raised_at (server clock, inside the COPY) to the
// same.  The batch of an alarm is the one whose COPY was running at its raised_at (one host,
// one clock).  Prints `seconds S`, then with --listen `alarms N`, `commit_to_listener_ms
// median M p99 P max X`, `raised_to_listener_ms ...` and `cache devices D bytes B` (the fence
// cache of the ingesting backend).
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
        boolean listen = args.length > 2 && args[2].equals("--listen");
        List<String> files = new ArrayList<>();
        for (int i = listen ? 3 : 2; i < args.length; i++) files.add(args[i]);
        Collections.sort(files);

        List<long[]> received = Collections.synchronizedList(new ArrayList<>());  // {recv_us, raised_us}
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
                                received.add(new long[] {now, raised});
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
        try (Statement s = c.createStatement()) { s.execute("SET commgrid.audit = off"); }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        String sql = "COPY " + table + " (device_id, fixed_at, message, location, fix_source, accuracy_m, battery, sos, fall) FROM STDIN";
        long[] start = new long[files.size()], commit = new long[files.size()];
        long t0 = System.nanoTime();
        for (int i = 0; i < files.size(); i++) {
            start[i] = micros(Instant.now());
            try (Reader r = new FileReader(files.get(i))) { copy.copyIn(sql, r); }
            commit[i] = micros(Instant.now());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("seconds %.3f%n", seconds);
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
        for (long[] n : received) {
            fromRaised.add((n[0] - n[1]) / 1000.0);
            for (int i = 0; i < files.size(); i++)
                if (n[1] >= start[i] && n[1] <= commit[i]) { fromCommit.add((n[0] - commit[i]) / 1000.0); break; }
        }
        System.out.printf("alarms %d (%d matched to their batch)%n", received.size(), fromCommit.size());
        print("commit_to_listener_ms", fromCommit);
        print("raised_to_listener_ms", fromRaised);
    }

    static void print(String what, List<Double> v) {
        if (v.isEmpty()) { System.out.println(what + " none"); return; }
        Collections.sort(v);
        System.out.printf("%s median %.2f p99 %.2f max %.2f%n", what,
            v.get(v.size() / 2), v.get(Math.min(v.size() - 1, (int) Math.ceil(v.size() * 0.99) - 1)), v.get(v.size() - 1));
    }
}
