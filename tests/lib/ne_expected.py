"""The differences between edgestat (which follows node_exporter 1.12) and
Debian's node_exporter 1.5 that the comparison tests accept, each with the
node_exporter version that made it or the reason a test setup shows it.
Used by tests/e2e/compare_node_exporter{,_fixtures}.py."""
import re

# (regex on the family name, kind of difference or '*', why). Kinds:
# only-ours, only-ne, labels (label names differ), series (label values
# differ), value.
EXPECTED = [
    # Newer node_exporter than Debian's 1.5.
    (r'node_network_info$', 'labels', 'adminstate label added in 1.6.0 (#2515)'),
    (r'node_softnet_(cpu_collision|received_rps|flow_limit_count)_total$|node_softnet_backlog_len$', 'only-ours',
     'softnet columns 9-13 exported since 1.6.0 (#2592)'),
    (r'node_netstat_TcpExt_TCPOFOQueue$', 'only-ours', 'in the default netstat.fields since 1.8.0 (#2867)'),
    (r'node_netstat_TcpExt_TCPRcvQDrop$', 'only-ours', 'in the default netstat.fields since 1.9.0 (#3021)'),
    (r'node_filesystem_(size|free|avail)_bytes$|node_filesystem_files(_free)?$|node_filesystem_readonly$|'
     r'node_filesystem_device_error$', 'labels', 'device_error label (the statfs error text) since 1.8.0 (#2923)'),
    (r'node_filesystem_mount_info$', 'only-ours', 'added in 1.9.0 (#2970)'),
    (r'node_disk_info$', 'labels', 'rotational label since 1.9.0 (#3022)'),
    (r'node_pressure_irq_stalled_seconds_total$', 'only-ours', 'IRQ pressure since 1.9.0 (#3048)'),
    (r'node_cpu_online$', 'only-ours', 'CPU online status since 1.9.0 (#3032)'),
    (r'node_hwmon_freq_freq_mhz$', 'only-ours', 'GPU clocks since 1.9.0 (#3093)'),
    (r'node_cpu_scaling_governor$', 'only-ours', 'cpufreq governors since 1.6.0 (fe19fdd1)'),
    (r'node_cpu_frequency_avg_hertz$', 'only-ours', 'cpuinfo_avg_freq since 1.12.0 (#3712)'),
    (r'node_cpu_frequency_hertz$', 'only-ours',
     'with --collector.cpu.info and cpufreq on, /proc/cpuinfo\'s MHz per CPU since 1.7.0 (933b1c17)'),
    (r'node_hwmon_', 'series', 'colliding chip labels disambiguated in 1.12.0 (#3646)'),
    (r'node_network_receive_nohandler_total$', 'only-ours',
     '1.12 reads netdev over rtnetlink, which has rx_nohandler; this comparison runs 1.5 with '
     '--no-collector.netdev.netlink so it reads the tree\'s /proc/net/dev'),
    # What the tree cannot show node_exporter 1.5.
    (r'node_timex_', 'value', 'adjtimex(2) is the live kernel\'s clock, read at two different moments'),
    (r'node_time_', 'value', 'the live clock'),
    (r'node_uname_info$', 'series', 'node_exporter 1.5 calls uname(2); edgestat reads the tree\'s '
                                    'proc/sys/kernel files, as --path.procfs asks'),
    (r'node_openwrt_info$', 'only-ours', 'the OpenWrt Lua exporter\'s metric, not node_exporter\'s'),
    (r'node_scrape_collector_(success|duration_seconds)$', 'series',
     'edgestat\'s openwrt collector, and collectors node_exporter 1.5 reports as failed (below)'),
    (r'node_scrape_collector_success$', 'value',
     'an absent source: node_exporter counts a tree without cpufreq directories as success with no metrics, '
     'edgestat as unsupported (0); and node_exporter fails powersupplyclass on the .keep file that lets git '
     'keep the vm tree\'s empty class directory'),
    (r'node_scrape_collector_duration_seconds$', 'value', 'timing'),
    (r'node_sockstat_.*_mem_bytes$', 'value', 'pages x the page size of the host running the test'),
]

def expected(fam, kind):
    for pat, k, why in EXPECTED:
        if re.match(pat, fam) and k in (kind, '*'):
            return why
    return None


