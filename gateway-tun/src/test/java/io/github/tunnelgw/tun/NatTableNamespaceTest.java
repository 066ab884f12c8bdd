package io.github.tunnelgw.tun;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The nftables table in a network namespace made for each test; the host's ruleset is never touched. */
@Timeout(60)
class NatTableNamespaceTest {
    TestNamespace ns;
    String table;

    @BeforeAll
    static void requiresRoot() {
        TestNamespace.assumeKernelTestsEnabled();
    }

    @BeforeEach
    void createNamespace() throws Exception {
        ns = new TestNamespace();
        table = "tgwtest" + ProcessHandle.current().pid() + "_" + ThreadLocalRandom.current().nextInt(1_000_000);
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        ns.close();
        assertThat(TestNamespace.run(List.of("nft", "list", "tables"))).as("host ruleset untouched").doesNotContain(table);
    }

    /** {@code nft -j list table ip <table>} started from the namespace thread, white space removed. */
    String listJson() throws Exception {
        return ns.exec(List.of("nft", "-j", "list", "table", "ip", table)).replaceAll("\\s", "");
    }

    @Test
    void installCreatesTheMasqueradeChainAndCloseRemovesIt() throws Exception {
        NatTable nat = ns.inside(() -> NatTable.install(table, "10.99.0.0/24", "lo"));
        try {
            assertThat(nat.tableName()).isEqualTo(table);
            String json = listJson();
            assertThat(json).contains("{\"table\":{\"family\":\"ip\",\"name\":\"" + table + "\"")
                    .contains("\"name\":\"postrouting\"").contains("\"type\":\"nat\"")
                    .contains("\"hook\":\"postrouting\"").contains("\"prio\":100")
                    .contains("{\"payload\":{\"protocol\":\"ip\",\"field\":\"saddr\"}}")
                    .contains("{\"prefix\":{\"addr\":\"10.99.0.0\",\"len\":24}}")
                    .contains("{\"meta\":{\"key\":\"oifname\"}},\"right\":\"lo\"")
                    .contains("{\"masquerade\":null}");
            assertThat(TestNamespace.run(List.of("ip", "netns", "exec", ns.name, "nft", "list", "table", "ip", table)))
                    .as("the same table seen through ip netns exec").contains("ip saddr 10.99.0.0/24 oifname \"lo\" masquerade");
        } finally {
            ns.inside(() -> {
                nat.close();
                nat.close();
                return null;
            });
        }
        assertThat(ns.exec(List.of("nft", "list", "tables"))).doesNotContain(table);
    }

    @Test
    void installReplacesAStaleTableAtomically() throws Exception {
        ns.exec(List.of("nft", "add", "table", "ip", table));
        ns.exec(List.of("nft", "add", "chain", "ip", table, "leftover"));
        ns.exec(List.of("nft", "add", "chain", "ip", table, "postrouting",
                "{ type nat hook postrouting priority srcnat; }"));
        ns.exec(List.of("nft", "add", "rule", "ip", table, "postrouting", "ip", "saddr", "10.1.0.0/16", "masquerade"));
        ns.inside(() -> {
            try (NatTable first = NatTable.install(table, "10.99.0.0/24", "lo");
                 NatTable again = NatTable.install(table, "10.99.0.0/24", "lo")) {
                String json = listJson();
                assertThat(json).doesNotContain("leftover").doesNotContain("10.1.0.0");
                assertThat(json.split("\"masquerade\"", -1)).as("exactly one masquerade rule").hasSize(2);
            }
            return null;
        });
    }

    @Test
    void closeAfterSomeoneElseDeletedTheTableIsFine() throws Exception {
        ns.inside(() -> {
            NatTable nat = NatTable.install(table, "10.99.0.0/24", "lo");
            run(List.of("nft", "delete", "table", "ip", table));
            nat.close();
            return null;
        });
    }

    private static void run(List<String> command) throws Exception {
        TestNamespace.run(command);
    }

    @Test
    void nftFailureCarriesNftsOwnMessage() throws Exception {
        IOException error = ns.inside(() -> {
            try {
                Nft.apply("add rule ip " + table + " nosuchchain accept\n");
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        assertThat(error).isNotNull();
        assertThat(error.getMessage()).startsWith("nft -f - failed (exit 1): ").contains("Error:")
                .contains("No such file or directory");
    }
}
