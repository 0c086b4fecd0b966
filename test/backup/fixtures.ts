/**
 * What pgBackRest 2.45 printed for a real repository (cipher on, PostgreSQL 15,
 * its stanza renamed "produccion"): a full backup, an incremental and a
 * differential one on timeline 1, a restore that promoted timeline 2, and an
 * incremental backup there. The listing is `find -printf '%T@ %s %P\\n'` of
 * the stanza's archive directory at the same moment.
 */

/** `pgbackrest info --output=json` of the stanza, as printed (pretty-printed here; the system-id is beyond a double). */
export const infoJson = `[
	{
		"archive": [
			{
				"database": {
					"id": 1,
					"repo-key": 1
				},
				"id": "15-1",
				"max": "00000002000000000000000C",
				"min": "000000010000000000000001"
			}
		],
		"backup": [
			{
				"archive": {
					"start": "000000010000000000000004",
					"stop": "000000010000000000000004"
				},
				"backrest": {
					"format": 5,
					"version": "2.45"
				},
				"database": {
					"id": 1,
					"repo-key": 1
				},
				"error": false,
				"info": {
					"delta": 43702069,
					"repository": {
						"delta": 11294128,
						"size": 11294128
					},
					"size": 43702069
				},
				"label": "20261201-044427F",
				"lsn": {
					"start": "0/4000028",
					"stop": "0/4000100"
				},
				"prior": null,
				"reference": null,
				"timestamp": {
					"start": 1796100267,
					"stop": 1796100270
				},
				"type": "full"
			},
			{
				"archive": {
					"start": "000000010000000000000006",
					"stop": "000000010000000000000006"
				},
				"backrest": {
					"format": 5,
					"version": "2.45"
				},
				"database": {
					"id": 1,
					"repo-key": 1
				},
				"error": false,
				"info": {
					"delta": 28000522,
					"repository": {
						"delta": 10994048,
						"size": 14028688
					},
					"size": 50558773
				},
				"label": "20261201-044427F_20261201-044434I",
				"lsn": {
					"start": "0/6000028",
					"stop": "0/6000100"
				},
				"prior": "20261201-044427F",
				"reference": [
					"20261201-044427F"
				],
				"timestamp": {
					"start": 1796100274,
					"stop": 1796100276
				},
				"type": "incr"
			},
			{
				"archive": {
					"start": "000000010000000000000009",
					"stop": "000000010000000000000009"
				},
				"backrest": {
					"format": 5,
					"version": "2.45"
				},
				"database": {
					"id": 1,
					"repo-key": 1
				},
				"error": false,
				"info": {
					"delta": 31621386,
					"repository": {
						"delta": 11417488,
						"size": 14452128
					},
					"size": 54179637
				},
				"label": "20261201-044427F_20261201-044445D",
				"lsn": {
					"start": "0/9000028",
					"stop": "0/9000100"
				},
				"prior": "20261201-044427F",
				"reference": [
					"20261201-044427F"
				],
				"timestamp": {
					"start": 1796100285,
					"stop": 1796100287
				},
				"type": "diff"
			},
			{
				"archive": {
					"start": "00000002000000000000000A",
					"stop": "00000002000000000000000B"
				},
				"backrest": {
					"format": 5,
					"version": "2.45"
				},
				"database": {
					"id": 1,
					"repo-key": 1
				},
				"error": false,
				"info": {
					"delta": 31629939,
					"repository": {
						"delta": 11421200,
						"size": 14452336
					},
					"size": 54179918
				},
				"label": "20261201-044427F_20261201-044456I",
				"lsn": {
					"start": "0/A000028",
					"stop": "0/B000050"
				},
				"prior": "20261201-044427F_20261201-044445D",
				"reference": [
					"20261201-044427F",
					"20261201-044427F_20261201-044445D"
				],
				"timestamp": {
					"start": 1796100296,
					"stop": 1796100298
				},
				"type": "incr"
			}
		],
		"cipher": "aes-256-cbc",
		"db": [
			{
				"id": 1,
				"repo-key": 1,
				"system-id": 7714191891502983325,
				"version": "15"
			}
		],
		"name": "produccion",
		"repo": [
			{
				"cipher": "aes-256-cbc",
				"key": 1,
				"status": {
					"code": 0,
					"message": "ok"
				}
			}
		],
		"status": {
			"code": 0,
			"lock": {
				"backup": {
					"held": false
				}
			},
			"message": "ok"
		}
	}
]`;

/** The archive directory's files: segments of timelines 1 and 2, the history file of 2, backup history files and archive.info. */
export const archiveListingText = `1796100265.6650564470 5774848 15-1/0000000100000000/000000010000000000000001-cc20e8bf94570eceb8e4c33b5fb1f5334c79b86f.gz
1796100266.3410564720 6433600 15-1/0000000100000000/000000010000000000000002-a81a4a10eb67989a4c449d1107154393e4f1b914.gz
1796100267.6890565200 316928 15-1/0000000100000000/000000010000000000000003-1519fea98af566dd31dfcc5d5e1fd6acdada27c3.gz
1796100270.0610566050 16496 15-1/0000000100000000/000000010000000000000004-774a362a0ddba8dee6b85530431698fcc204f20b.gz
1796100270.0730566050 400 15-1/0000000100000000/000000010000000000000004.00000028.backup
1796100274.8170567750 3703792 15-1/0000000100000000/000000010000000000000005-865a904f30583d8a165ed0564e46aedac6c9dd37.gz
1796100276.4930568350 16496 15-1/0000000100000000/000000010000000000000006-8da5566d56862ea7dc28ae78c968ea876ddd97aa.gz
1796100276.5090568350 400 15-1/0000000100000000/000000010000000000000006.00000028.backup
1796100285.0330571400 5085232 15-1/0000000100000000/000000010000000000000007-9b3295ab40a216c2b9a257bc393ad9a57c449011.gz
1796100285.5210571580 1142208 15-1/0000000100000000/000000010000000000000008-38b5dc869886f8d1f8d4cf2b8e8dbb97cbe3ceaa.gz
1796100287.5410572300 16480 15-1/0000000100000000/000000010000000000000009-0903d1a11567e32b9d82f4f5c43193811046d5c6.gz
1796100287.5570572300 400 15-1/0000000100000000/000000010000000000000009.00000028.backup
1796100287.9090572430 17792 15-1/0000000100000000/00000001000000000000000A-d9cd0e17baecd4b407eba681e7a74230807dc99a.gz
1796100290.7690573450 64 15-1/00000002.history
1796100293.8730574560 17920 15-1/0000000200000000/000000020000000000000009-e07099c5371e1fbfaf57e6ddbf0207e8f0572c36.gz
1796100296.3210575440 16560 15-1/0000000200000000/00000002000000000000000A-f6bc1b37ab84e23f0c2d78f96f99eb17e5cb008e.gz
1796100298.8810576350 16416 15-1/0000000200000000/00000002000000000000000B-a7bfea9264ee58c1077564b3852fb71ec58cad9b.gz
1796100298.8930576360 400 15-1/0000000200000000/00000002000000000000000A.00000028.backup
1796100299.0130576400 368 archive.info
1796100299.0130576400 368 archive.info.copy
1796100299.2210576470 17808 15-1/0000000200000000/00000002000000000000000C-437fffea22fd13028a01de717364727d0e26bde4.gz
`;

/**
 * A full backup's console at --log-level-console=detail from the repository
 * host (one line in 60 of the per-file ones kept): the nodes' files are named
 * HOST:PATH, and the first file done is a large table at 46.86 %.
 */
export const fullBackupOutput = `2026-12-01 04:44:26.660 P00   INFO: backup command begin 2.45: --config=/etc/pgbackrest/repo.conf --exec-id=14567-91aa158a --log-level-console=detail --log-level-file=detail --pg1-host=192.168.100.1 --pg1-host-config=/etc/pgbackrest/pgbackrest.conf --pg1-host-user=postgres --pg1-path=/data/patroni --pg1-socket-path=/var/run/postgresql --repo1-cipher-pass=<redacted> --repo1-cipher-type=aes-256-cbc --repo1-path=/var/lib/pgbackrest --repo1-retention-full=2 --stanza=produccion --start-fast --type=full
2026-12-01 04:44:27.365 P00   INFO: execute non-exclusive backup start: backup begins after the requested immediate checkpoint completes
2026-12-01 04:44:27.667 P00   INFO: backup start archive = 000000010000000000000004, lsn = 0/4000028
2026-12-01 04:44:27.667 P00   INFO: check archive for prior segment 000000010000000000000003
2026-12-01 04:44:28.974 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/5/16384 (19.5MB, 46.86%) checksum a19aa16c7d5d0e5a9fb116a6144119721ec235b6
2026-12-01 04:44:29.283 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/4/13391 (64KB, 74.39%) checksum c578b80143f7210cc9ed8346c41b2164e88ab468
2026-12-01 04:44:29.358 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/5/3764_fsm (24KB, 79.94%) checksum 8839d3ce467b401c60f851183bfd7841ce7c0770
2026-12-01 04:44:29.392 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/4/2617_fsm (24KB, 83.31%) checksum b79d2b3524ed4962bada81829daf5acbbd66e7b3
2026-12-01 04:44:29.424 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/1/13396_fsm (24KB, 86.69%) checksum 09338487c02bb5b44bd8897dd66d95e534efba90
2026-12-01 04:44:29.455 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/5/2579 (16KB, 89.03%) checksum 5aed18b020c24a5f8e61af128656ae3b619a7550
2026-12-01 04:44:29.491 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/1/3081 (16KB, 91.28%) checksum 679884dcfe3f370083cf7c34babc736d509ba9da
2026-12-01 04:44:29.523 P01 DETAIL: backup file 192.168.100.1:/data/patroni/global/1262 (8KB, 93.06%) checksum 213d2b476b2c6a62e6ff24d06ac948c421eb53fb
2026-12-01 04:44:29.551 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/5/3456_vm (8KB, 94.18%) checksum 6dade98091f06cce29a20a73a4b6aec01c9e6056
2026-12-01 04:44:29.576 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/5/13396_vm (8KB, 95.31%) checksum d184a55c29cbd6a2f0202a2e2b3c552e70415919
2026-12-01 04:44:29.601 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/4/3467 (8KB, 96.43%) checksum ade73c4b52534bc1f005b2dd08035e7e7ffb613a
2026-12-01 04:44:29.628 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/4/13396_vm (8KB, 97.56%) checksum d184a55c29cbd6a2f0202a2e2b3c552e70415919
2026-12-01 04:44:29.654 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/1/3467 (8KB, 98.68%) checksum ade73c4b52534bc1f005b2dd08035e7e7ffb613a
2026-12-01 04:44:29.679 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/1/13396_vm (8KB, 99.81%) checksum d184a55c29cbd6a2f0202a2e2b3c552e70415919
2026-12-01 04:44:29.705 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/5/3596 (0B, 100.00%)
2026-12-01 04:44:29.731 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/4/3350 (0B, 100.00%)
2026-12-01 04:44:29.755 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/1/2611 (0B, 100.00%)
2026-12-01 04:44:29.860 P01 DETAIL: backup file 192.168.100.1:/data/patroni/base/1/13394 (0B, 100.00%)
2026-12-01 04:44:29.964 P00   INFO: execute non-exclusive backup stop and wait for all WAL segments to archive
2026-12-01 04:44:30.164 P00   INFO: backup stop archive = 000000010000000000000004, lsn = 0/4000100
2026-12-01 04:44:30.165 P00 DETAIL: wrote 'backup_label' file returned from backup stop function
2026-12-01 04:44:30.166 P00   INFO: check archive for segment(s) 000000010000000000000004:000000010000000000000004
2026-12-01 04:44:30.171 P00   INFO: new backup label = 20261201-044427F
2026-12-01 04:44:30.189 P00   INFO: full backup size = 41.7MB, file total = 967
2026-12-01 04:44:30.189 P00   INFO: backup command end: completed successfully (3531ms)
2026-12-01 04:44:30.189 P00   INFO: expire command begin 2.45: --config=/etc/pgbackrest/repo.conf --exec-id=14567-91aa158a --log-level-console=detail --log-level-file=detail --repo1-cipher-pass=<redacted> --repo1-cipher-type=aes-256-cbc --repo1-path=/var/lib/pgbackrest --repo1-retention-full=2 --stanza=produccion
2026-12-01 04:44:30.190 P00   INFO: expire command end: completed successfully (1ms)
`;

/** What a second backup prints while one runs (pgBackRest 2.45, exit 50; the options of its first line shortened): stdout, then stderr. */
export const lockedBackup = {
	code: 50,
	stdout: `2026-12-01 04:45:54.337 P00   INFO: backup command begin 2.45: --config=/etc/pgbackrest/repo.conf --exec-id=18572-2cabac77 --log-level-console=detail --repo1-cipher-pass=<redacted> --stanza=produccion --type=incr
2026-12-01 04:45:54.337 P00   INFO: backup command end: aborted with exception [050]
`,
	stderr: `ERROR: [050]: unable to acquire lock on file '/tmp/pgbackrest/produccion-backup.lock': Resource temporarily unavailable
       HINT: is another pgBackRest process running?
`,
};
