/*
 * CommgridJdbcTest: pg_commgrid through the PostgreSQL JDBC driver, as the district's BI
 * tools and web systems use it.  Connects as a BI reader and as a grid worker (login roles
 * made by setup.sql), reads the BI views and the gridcode/idcard columns, binds gridcode
 * parameters with and without stringtype=unspecified, checks DatabaseMetaData on the BI
 * views, and checks that refused access raises SQLSTATE 42501.
 *
 * Usage: java -cp build:postgresql.jar CommgridJdbcTest jdbc:postgresql://host:port/db
 * Prints one line per check and closes with "N passed, M failed"; exit status 1 on failure.
 */
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

public class CommgridJdbcTest {
    private static int passed = 0;
    private static int failed = 0;

    /** Types a BI tool knows without any extension: what the bi_* views may show. */
    private static final Set<String> PLAIN_TYPES = Set.of(
        "text", "varchar", "bpchar", "int2", "int4", "int8", "numeric", "float4", "float8",
        "bool", "date", "timestamp", "timestamptz");

    interface Check {
        void run() throws Exception;
    }

    private static void check(String name, Check body) {
        try {
            body.run();
            passed++;
            System.out.println("ok     " + name);
        } catch (Throwable e) {
            failed++;
            System.out.println("FAILED " + name + ": " + e);
        }
    }

    private static void expect(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    private static void expectEqual(Object expected, Object actual, String what) {
        if (expected == null ? actual != null : !expected.equals(actual)) {
            throw new AssertionError(what + ": expected <" + expected + "> but was <" + actual + ">");
        }
    }

    /** Run a statement that must be refused with SQLSTATE 42501 (insufficient privilege). */
    private static void expectDenied(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            expectEqual("42501", e.getSQLState(), "SQLSTATE of " + sql + " (" + e.getMessage() + ")");
            return;
        }
        throw new AssertionError("not refused: " + sql);
    }

    private static Connection connect(String url, String user, String password, boolean unspecified)
            throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        // as a deployment would: the extension's operators are found through the path
        p.setProperty("currentSchema", "commgrid,public");
        if (unspecified) {
            p.setProperty("stringtype", "unspecified");
        }
        return DriverManager.getConnection(url, p);
    }

    interface RowCheck {
        void run(ResultSet rs) throws Exception;
    }

    /** Run a query that must return a row, and check that row. */
    private static void withRow(Connection c, String sql, RowCheck body) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            expect(rs.next(), "no row from " + sql);
            body.run(rs);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Codes of the areas under a gridcode bound as a parameter (the driver's string type). */
    private static List<String> areasUnder(Connection c, String code) throws SQLException {
        List<String> codes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT code FROM commgrid.area WHERE code <@ ? ORDER BY code")) {
            ps.setString(1, code);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    codes.add(rs.getString(1));
                }
            }
        }
        return codes;
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];

        try (Connection bi = connect(url, "jdbc330106_bi", "bi-330106", false)) {
            check("BI reader reads the area summary view", () -> {
                expectEqual(8L, count(bi, "SELECT count(*) FROM commgrid.bi_area WHERE code LIKE '330106%'"),
                            "areas of district 330106 in bi_area");
            });
            check("BI view gridcode column: getString and getObject give plain strings", () ->
                withRow(bi, "SELECT code, parent_code, depth FROM commgrid.bi_area WHERE code = '330106001001001'", rs -> {
                    expectEqual("330106001001001", rs.getString("code"), "getString(code)");
                    expectEqual("330106001001001", rs.getObject("code"), "getObject(code)");
                    expectEqual(String.class, rs.getObject("parent_code").getClass(), "getObject(parent_code) class");
                    expectEqual(6, rs.getInt("depth"), "depth");
                }));
            check("DatabaseMetaData.getColumns on every BI view shows plain types only", () -> {
                DatabaseMetaData md = bi.getMetaData();
                int columns = 0;
                try (ResultSet rs = md.getColumns(null, "commgrid", "bi\\_%", "%")) {
                    while (rs.next()) {
                        String type = rs.getString("TYPE_NAME");
                        expect(PLAIN_TYPES.contains(type), rs.getString("TABLE_NAME") + "."
                               + rs.getString("COLUMN_NAME") + " has type " + type);
                        columns++;
                    }
                }
                expect(columns >= 6, "found only " + columns + " BI view columns");
            });
            check("BI reader sees residents only as groups of at least k, never a person's row", () -> {
                expectEqual(0L, count(bi, "SELECT count(*) FROM commgrid.bi_resident WHERE grid_code LIKE '330106%'"),
                            "groups of two residents are below k = 5");
                expectEqual(0L, count(bi, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'commgrid'"
                                          + " AND table_name = 'bi_resident' AND column_name IN ('name', 'idcard', 'phone', 'age')"),
                            "person columns in bi_resident");
            });
            check("BI reader reads the grid summary", () -> {
                expectEqual(1L, count(bi, "SELECT sum(residents) FROM commgrid.bi_grid_summary WHERE grid_code = '330106001001001'"),
                            "residents of grid 330106001001001");
            });
            check("BI reader cannot read a base table (42501)", () ->
                expectDenied(bi, "SELECT count(*) FROM commgrid.area"));
            check("BI reader cannot read the jurisdiction map (42501)", () ->
                expectDenied(bi, "SELECT count(*) FROM commgrid.jurisdiction"));
            check("BI reader cannot read the audit log (42501)", () ->
                expectDenied(bi, "SELECT count(*) FROM commgrid.audit_log"));
        }

        for (boolean unspecified : new boolean[] {false, true}) {
            String mode = unspecified ? " (stringtype=unspecified)" : " (default stringtype)";
            try (Connection grid = connect(url, "jdbc330106_grid", "grid-330106", unspecified)) {
                check("grid worker binds a gridcode parameter" + mode, () -> {
                    expectEqual(List.of("330106001001", "330106001001001", "330106001001002"),
                                areasUnder(grid, "330106001001"), "areas under community 330106001001");
                    expectEqual(List.of(), areasUnder(grid, "110101"), "areas under another county");
                });
                check("grid worker reads gridcode with getString and getObject" + mode, () -> {
                    try (PreparedStatement ps = grid.prepareStatement(
                             "SELECT scope FROM commgrid.jurisdiction ORDER BY scope");
                         ResultSet rs = ps.executeQuery()) {
                        expect(rs.next(), "first scope");
                        expectEqual("330106001001001", rs.getString(1), "getString(scope)");
                        Object o = rs.getObject(1);
                        expectEqual("org.postgresql.util.PGobject", o.getClass().getName(), "getObject class");
                        expectEqual("gridcode", ((org.postgresql.util.PGobject) o).getType(), "PGobject type");
                        expectEqual("330106001001001", o.toString(), "PGobject value");
                        expect(rs.next(), "second scope");
                        expectEqual("330106001001002", rs.getString(1), "second scope");
                        expect(!rs.next(), "a grid worker sees only its own jurisdiction rows");
                    }
                });
                check("a malformed gridcode parameter is 22P02" + mode, () -> {
                    try {
                        areasUnder(grid, "33x");
                        throw new AssertionError("malformed gridcode accepted");
                    } catch (SQLException e) {
                        expectEqual("22P02", e.getSQLState(), "SQLSTATE");
                    }
                });
            }
        }

        try (Connection grid = connect(url, "jdbc330106_grid", "grid-330106", false)) {
            check("grid worker reads idcard through the staff function: getString and getObject", () -> {
                try (PreparedStatement ps = grid.prepareStatement(
                         "SELECT idcard, phone, address, grid_code FROM commgrid.resident_card(?)")) {
                    ps.setLong(1, 330106000001L);
                    try (ResultSet rs = ps.executeQuery()) {
                        expect(rs.next(), "card returned");
                        expectEqual("11010519491231002X", rs.getString("idcard"), "getString(idcard)");
                        Object o = rs.getObject("idcard");
                        expectEqual("org.postgresql.util.PGobject", o.getClass().getName(), "getObject(idcard) class");
                        expectEqual("idcard", ((org.postgresql.util.PGobject) o).getType(), "PGobject type");
                        expectEqual("11010519491231002X", o.toString(), "PGobject value");
                        expectEqual("13812341234", rs.getString("phone"), "phone");
                        expectEqual("330106001001001", rs.getString("grid_code"), "grid_code");
                    }
                }
            });
            check("grid worker sees only its own residents; another's card is 42501", () -> {
                expectEqual(1L, count(grid, "SELECT count(*) FROM commgrid.resident"), "residents visible");
                expectDenied(grid, "SELECT * FROM commgrid.resident_card(330106000002)");
            });
            check("grid worker cannot read a restricted column directly (42501)", () ->
                expectDenied(grid, "SELECT idcard FROM commgrid.resident"));
            check("grid worker cannot move a household out of its grids (42501)", () ->
                expectDenied(grid, "UPDATE commgrid.household SET location = ST_SetSRID(ST_MakePoint(120.3, 30.2), 4490) "
                                   + "WHERE household_id = 330106000001"));
            check("grid worker cannot change areas (42501)", () ->
                expectDenied(grid, "UPDATE commgrid.area SET name = name WHERE code = '330106001001001'"));
            check("grid worker cannot read the BI views (42501)", () ->
                expectDenied(grid, "SELECT count(*) FROM commgrid.bi_area"));
            check("grid worker cannot grant itself jurisdiction (42501)", () ->
                expectDenied(grid, "SELECT commgrid.grant_jurisdiction('jdbc330106_grid', '330106')"));
            check("grid worker cannot write the jurisdiction map (42501)", () ->
                expectDenied(grid, "INSERT INTO commgrid.jurisdiction (role_name, scope) VALUES ('jdbc330106_grid', '330106')"));
            check("grid worker cannot create roles (42501)", () ->
                expectDenied(grid, "SELECT commgrid.create_roles()"));
        }

        // wearable care alarms reach a listener at commit, never from a rolled-back ping; with the
        // library preloaded (as here) only those whose jurisdiction holds the area may listen
        try (Connection listener = connect(url, "jdbc330106_grid", "grid-330106", false);
             Connection gateway = connect(url, "jdbc330106_gateway", "gw-330106", false);
             Connection bi = connect(url, "jdbc330106_bi", "bi-330106", false)) {
            check("care alarm: BI may not listen to alarms (42501)", () ->
                expectDenied(bi, "LISTEN commgrid_care_alarm_330106001001001"));
            check("care alarm: a grid worker may not listen to every alarm (42501)", () ->
                expectDenied(listener, "LISTEN commgrid_care_alarm"));
            // a connection with readOnly=true (the driver's BEGIN READ ONLY): LISTEN is allowed in a
            // read-only transaction, and so is the audited card (their audit goes to the server log)
            check("readOnly connection: LISTEN on its grid's channel and a card work; another area is 42501", () -> {
                try (Connection ro = connect(url, "jdbc330106_grid", "grid-330106", false)) {
                    ro.setAutoCommit(false);
                    ro.setReadOnly(true);
                    try (Statement s = ro.createStatement()) {
                        s.execute("LISTEN commgrid_care_alarm_330106001001001");
                        withRow(ro, "SHOW transaction_read_only", rs -> expectEqual("on", rs.getString(1), "read only"));
                        expectEqual(1L, count(ro, "SELECT count(*) FROM commgrid.resident_card(330106000001)"), "card");
                    }
                    ro.commit();
                    expectDenied(ro, "LISTEN commgrid_care_alarm_330106002");
                    ro.rollback();
                }
            });
            try (Statement s = listener.createStatement()) {
                s.execute("LISTEN commgrid_care_alarm_330106001001001");
            }
            check("care alarm: NOTIFY at commit with JSON payload; a rolled-back SOS raises nothing", () -> {
                String sos = "INSERT INTO commgrid.care_ping (device_id, fixed_at, message, location, sos) "
                           + "VALUES (330106000001, ?::timestamptz, 'alarm', 'SRID=4326;POINT(120.05 30.2)', true)";
                gateway.setAutoCommit(false);
                try (PreparedStatement ps = gateway.prepareStatement(sos)) {
                    ps.setString(1, "2030-01-01 09:00:00+08");
                    ps.executeUpdate();
                    gateway.rollback();
                    ps.setString(1, "2030-01-01 09:01:00+08");
                    ps.executeUpdate();
                    gateway.commit();
                }
                gateway.setAutoCommit(true);
                PGConnection pg = listener.unwrap(PGConnection.class);
                // waits for the committed alarm; the rolled-back one, had it been sent, would come first
                PGNotification[] got = pg.getNotifications(30000);
                expect(got != null && got.length >= 1, "a notification arrived");
                expectEqual("commgrid_care_alarm_330106001001001", got[0].getName(), "channel");
                String payload = got[0].getParameter();
                expect(payload.contains("\"kind\" : \"sos\""), "kind sos in " + payload);
                expect(payload.contains("\"name\" : \"张**\""), "masked name in " + payload);
                expect(payload.contains("\"grid_code\" : \"330106001001001\""), "grid in " + payload);
                expect(payload.contains("\"device_id\" : 330106000001"), "device in " + payload);
                expect(payload.contains("\"lon\" : ") && payload.contains("\"lat\" : "), "position in " + payload);
                java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"alarm_id\" : ([0-9]+)").matcher(payload);
                expect(id.find(), "alarm_id in " + payload);
                expectEqual(1L, count(listener, "SELECT count(*) FROM commgrid.care_alarm WHERE kind = 'sos'"),
                            "alarms the grid worker sees");
                // the same through the audited staff function
                expectEqual(1L, count(listener, "SELECT count(*) FROM commgrid.care_alarm_card(" + id.group(1)
                                                + ") WHERE name = '张**' AND grid_code = '330106001001001' AND device_id = 330106000001"),
                            "the alarm's card: masked name, grid, device");
                expectEqual(1, got.length, "notifications (the rolled-back SOS sent none)");
            });
        }

        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }
}
