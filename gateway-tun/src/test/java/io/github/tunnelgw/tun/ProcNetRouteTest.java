package io.github.tunnelgw.tun;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcNetRouteTest {
    static final String HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT";

    static String route(String iface, String destination, String flags, int metric, String mask) {
        return iface + "\t" + destination + "\t0114C80A\t" + flags + "\t0\t0\t" + metric + "\t" + mask + "\t0\t0\t0";
    }

    @Test
    void findsTheDefaultRouteAmongOthers() {
        List<String> table = List.of(HEADER,
                route("ens4", "0014C80A", "0001", 0, "00FFFFFF"),
                route("ens5", "00000000", "0003", 100, "00000000"),
                route("docker0", "000011AC", "0001", 0, "0000FFFF"));
        assertThat(ProcNetRoute.defaultInterface(table)).contains("ens5");
    }

    @Test
    void lowestMetricWinsAndTheFirstWinsATie() {
        List<String> table = List.of(HEADER,
                route("wlan0", "00000000", "0003", 600, "00000000"),
                route("eth0", "00000000", "0003", 100, "00000000"),
                route("eth1", "00000000", "0003", 100, "00000000"));
        assertThat(ProcNetRoute.defaultInterface(table)).contains("eth0");
    }

    @Test
    void downAndRejectRoutesAreNotDefaultRoutes() {
        List<String> table = List.of(HEADER,
                route("*", "00000000", "0201", 0, "00000000"),
                route("eth9", "00000000", "0202", 0, "00000000"),
                route("eth8", "00000000", "0002", 0, "00000000"),
                route("eth0", "00000000", "0003", 1000, "00000000"));
        assertThat(ProcNetRoute.defaultInterface(table)).contains("eth0");
    }

    @Test
    void aZeroDestinationWithANonZeroMaskIsNotTheDefault() {
        assertThat(ProcNetRoute.defaultInterface(List.of(HEADER, route("eth0", "00000000", "0001", 0, "000000FF"))))
                .isEmpty();
    }

    @Test
    void noRoutesNoHeaderOrEmptyInputGiveNothing() {
        assertThat(ProcNetRoute.defaultInterface(List.of(HEADER))).isEmpty();
        assertThat(ProcNetRoute.defaultInterface(List.of())).isEmpty();
        assertThat(ProcNetRoute.defaultInterface(List.of(route("eth0", "00000000", "0003", 0, "00000000"))))
                .as("a table without its header line still parses").contains("eth0");
    }

    @Test
    void malformedLinesAreSkipped() {
        List<String> table = List.of(HEADER, "", "garbage", "eth7\t00000000\t0\t0003",
                "eth6\tZZZZZZZZ\t00000000\t0003\t0\t0\t0\t00000000\t0\t0\t0",
                "eth5\t00000000\t00000000\tXYZ\t0\t0\t0\t00000000\t0\t0\t0",
                "eth4\t00000000\t00000000\t0003\t0\t0\t-5\t00000000\t0\t0\t0",
                "eth3\t100000000\t00000000\t0003\t0\t0\t0\t00000000\t0\t0\t0",
                "   " + route("eth0", "00000000", "0003", 5, "00000000") + "   ");
        assertThat(ProcNetRoute.defaultInterface(table)).contains("eth0");
    }
}
