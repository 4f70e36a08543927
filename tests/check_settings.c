/* SPDX-License-Identifier: MIT */
/*
 * check_settings.c - units, the typed settings table, `--set` and the YAML
 * settings loader (engine/settings.c, engine/yaml.c).
 *
 * Every refusal is checked word for word: these messages are what a user
 * reads when a profile or an override is wrong.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/settings.h"
#include "engine/yaml.h"
#include "tests/check-common.h"

/* struct tset - a struct with one field of each setting type */
struct tset {
	uint64_t count;
	unsigned int small;
	uint64_t lat;
	uint64_t big;
	uint32_t sector;
	bool flag;
	int color;
	char name[8];
	uint64_t addr;
	uint64_t tr;
};

static const char *const colors[] = { "red", "green", "blue", NULL };

static const struct nvmesim_setting tset_s[] = {
	{ "a.count", NVMESIM_SET_U64, offsetof(struct tset, count), 0, 0, NULL, "a count" },
	{ "a.small", NVMESIM_SET_UINT, offsetof(struct tset, small), 1, 10, NULL, "1..10" },
	{ "t.lat", NVMESIM_SET_TIME, offsetof(struct tset, lat), 1000, 1000000000, NULL, "time" },
	{ "s.big", NVMESIM_SET_SIZE, offsetof(struct tset, big), 0, 0, NULL, "size" },
	{ "s.sector", NVMESIM_SET_SIZE32, offsetof(struct tset, sector), 512, 4096, NULL, "" },
	{ "flag", NVMESIM_SET_BOOL, offsetof(struct tset, flag), 0, 0, NULL, "bool" },
	{ "color", NVMESIM_SET_ENUM, offsetof(struct tset, color), 0, 0, colors, "enum" },
	{ "name", NVMESIM_SET_STR, offsetof(struct tset, name), 1, 8, NULL, "string" },
	{ "addr", NVMESIM_SET_HEX, offsetof(struct tset, addr), 0, 0, NULL, "hex" },
	{ "nand.tR", NVMESIM_SET_TIME, offsetof(struct tset, tr), 0, 0, NULL, "read time" },
};

static const struct nvmesim_settings_table tset_table = { tset_s, NVMESIM_ARRAY_SIZE(tset_s) };

/* struct unit_case - a text and what it parses to (ok false: refused) */
struct unit_case {
	const char *text;
	bool ok;
	uint64_t v;
};

static const struct unit_case time_cases[] = {
	{ "0", true, 0 }, { "45", true, 45 }, { "45ns", true, 45 }, { "45us", true, 45000 },
	{ "45\xc2\xb5s", true, 45000 }, { "45\xce\xbcs", true, 45000 }, { "1.5us", true, 1500 },
	{ "2ms", true, 2000000 }, { "3s", true, 3000000000ull }, { "1 ms", true, 1000000 },
	{ "0.000000001s", true, 1 }, { "18446744073709551615", true, UINT64_MAX },
	{ "18446744073709551615ns", true, UINT64_MAX },
	{ "", false, 0 }, { "us", false, 0 }, { "1.5ns", false, 0 }, { "-1us", false, 0 },
	{ "1h", false, 0 }, { "1m", false, 0 }, { "1 m s", false, 0 }, { "1.2.3ms", false, 0 },
	{ "18446744073709551616", false, 0 }, { "18446744074s", false, 0 },
	{ "0x10us", false, 0 }, { "1e3us", false, 0 }, { " 5us", false, 0 }, { "5US", false, 0 },
	{ ".", false, 0 }, { "5usx", false, 0 },
};

static const struct unit_case size_cases[] = {
	{ "512", true, 512 }, { "512B", true, 512 }, { "4k", true, 4096 }, { "4K", true, 4096 },
	{ "4KiB", true, 4096 }, { "1m", true, 1 << 20 }, { "1M", true, 1 << 20 },
	{ "1MiB", true, 1 << 20 }, { "1g", true, 1 << 30 }, { "1G", true, 1 << 30 },
	{ "1GiB", true, 1 << 30 }, { "1t", true, 1ull << 40 }, { "1T", true, 1ull << 40 },
	{ "1TiB", true, 1ull << 40 }, { "1KB", true, 1000 }, { "1kB", true, 1000 },
	{ "1MB", true, 1000000 }, { "1GB", true, 1000000000 }, { "2TB", true, 2000000000000ull },
	{ "0x1000", true, 4096 }, { "1.5k", true, 1536 }, { "0.5KB", true, 500 },
	{ "4 KiB", true, 4096 }, { "16777215TiB", true, 16777215ull << 40 },
	{ "4kib", false, 0 }, { "4KiBs", false, 0 }, { "1.1k", false, 0 },
	{ "16777216TiB", false, 0 }, { "k", false, 0 }, { "", false, 0 }, { "0x", false, 0 },
	{ "0xg", false, 0 }, { "1e3", false, 0 }, { "-4k", false, 0 }, { "4PiB", false, 0 },
	{ "0x10k", false, 0 },
};

static const struct unit_case u64_cases[] = {
	{ "0", true, 0 }, { "7", true, 7 }, { "18446744073709551615", true, UINT64_MAX },
	{ "0xffffffffffffffff", true, UINT64_MAX }, { "0XAb", true, 0xab },
	{ "007", true, 7 },
	{ "18446744073709551616", false, 0 }, { "0x10000000000000000", false, 0 },
	{ "", false, 0 }, { "12a", false, 0 }, { "-1", false, 0 }, { "+1", false, 0 },
	{ " 1", false, 0 }, { "0x", false, 0 }, { "1k", false, 0 }, { "1.0", false, 0 },
};

/* check_units - run one table through one parser */
static void check_units(const struct unit_case *c, unsigned int nr,
			int (*parse)(const char *, uint64_t *), const char *what)
{
	unsigned int i;
	uint64_t v;
	int r;

	for (i = 0; i < nr; i++) {
		v = 0xdeadbeef;
		r = parse(c[i].text, &v);
		if (c[i].ok) {
			ck_assert_msg(r == 0, "%s '%s' refused", what, c[i].text);
			ck_assert_msg(v == c[i].v, "%s '%s' = %llu, want %llu", what, c[i].text,
				      (unsigned long long)v, (unsigned long long)c[i].v);
		} else {
			ck_assert_msg(r == -EINVAL, "%s '%s' accepted as %llu", what, c[i].text,
				      (unsigned long long)v);
			ck_assert_msg(v == 0xdeadbeef, "%s '%s' wrote on failure", what, c[i].text);
		}
	}
}

START_TEST(test_units_time)
{
	check_units(time_cases, NVMESIM_ARRAY_SIZE(time_cases), nvmesim_parse_time, "time");
}
END_TEST

START_TEST(test_units_size)
{
	check_units(size_cases, NVMESIM_ARRAY_SIZE(size_cases), nvmesim_parse_size, "size");
}
END_TEST

START_TEST(test_units_u64)
{
	check_units(u64_cases, NVMESIM_ARRAY_SIZE(u64_cases), nvmesim_parse_u64, "u64");
}
END_TEST

START_TEST(test_units_bool)
{
	static const char *const yes[] = { "true", "True", "YES", "on", "1" };
	static const char *const no[] = { "false", "FALSE", "no", "Off", "0" };
	static const char *const bad[] = { "", "2", "tru", "y", "enable" };
	unsigned int i;
	bool b;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(yes); i++) {
		b = false;
		ck_assert_int_eq(nvmesim_parse_bool(yes[i], &b), 0);
		ck_assert(b);
		ck_assert_int_eq(nvmesim_parse_bool(no[i], &b), 0);
		ck_assert(!b);
		ck_assert_int_eq(nvmesim_parse_bool(bad[i], &b), -EINVAL);
	}
}
END_TEST

START_TEST(test_setting_find)
{
	ck_assert_ptr_eq(nvmesim_setting_find(&tset_table, "nand.tR"), &tset_s[9]);
	ck_assert_ptr_eq(nvmesim_setting_find(&tset_table, "a.count"), &tset_s[0]);
	ck_assert_ptr_null(nvmesim_setting_find(&tset_table, "nand.tr"));
	ck_assert_ptr_null(nvmesim_setting_find(&tset_table, "nand"));
	ck_assert_ptr_null(nvmesim_setting_find(&tset_table, "a.count.x"));
	ck_assert(nvmesim_settings_has_prefix(&tset_table, "nand"));
	ck_assert(nvmesim_settings_has_prefix(&tset_table, "a"));
	ck_assert(!nvmesim_settings_has_prefix(&tset_table, "a.count"));
	ck_assert(!nvmesim_settings_has_prefix(&tset_table, "na"));
}
END_TEST

/* parse_err - parse @text for @path, expecting a refusal with exactly @msg */
static void parse_err(const char *path, const char *text, const char *msg)
{
	struct tset v;
	char err[256];

	memset(&v, 0x5a, sizeof(v));
	ck_assert_int_eq(nvmesim_setting_parse(nvmesim_setting_find(&tset_table, path), &v, text,
					       err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, msg);
}

START_TEST(test_setting_parse)
{
	struct tset v;
	char err[256];
	unsigned int i;
	static const struct {
		const char *path, *text;
	} good[] = {
		{ "a.count", "123" }, { "a.small", " 10 " }, { "t.lat", "1s" }, { "s.big", "1TiB" },
		{ "s.sector", "4k" }, { "flag", "yes" }, { "color", "GREEN" },
		{ "name", "abcdefg" },
		{ "addr", "0xdead" }, { "nand.tR", "45us" },
	};

	memset(&v, 0, sizeof(v));
	for (i = 0; i < NVMESIM_ARRAY_SIZE(good); i++)
		ck_assert_msg(nvmesim_setting_parse(nvmesim_setting_find(&tset_table, good[i].path),
						    &v, good[i].text, err, sizeof(err)) == 0,
			      "%s=%s: %s", good[i].path, good[i].text, err);
	ck_assert_uint_eq(v.count, 123);
	ck_assert_uint_eq(v.small, 10);
	ck_assert_uint_eq(v.lat, 1000000000);
	ck_assert_uint_eq(v.big, 1ull << 40);
	ck_assert_uint_eq(v.sector, 4096);
	ck_assert(v.flag);
	ck_assert_int_eq(v.color, 1);
	ck_assert_str_eq(v.name, "abcdefg");
	ck_assert_uint_eq(v.addr, 0xdead);
	ck_assert_uint_eq(v.tr, 45000);

	parse_err("a.small", "11", "expected a number from 1 to 10, got '11'");
	parse_err("a.small", "0", "expected a number from 1 to 10, got '0'");
	parse_err("a.small", "x", "expected a number from 1 to 10, got 'x'");
	parse_err("a.count", "1.5", "expected a number, got '1.5'");
	parse_err("a.count", "99999999999999999999",
		  "expected a number, got '99999999999999999999'");
	parse_err("t.lat", "1ns", "expected a time (ns, us, ms, s) from 1us to 1s, got '1ns'");
	parse_err("t.lat", "2s", "expected a time (ns, us, ms, s) from 1us to 1s, got '2s'");
	parse_err("nand.tR", "45 usec", "expected a time (ns, us, ms, s), got '45 usec'");
	parse_err("s.sector", "8k", "expected a size (B, KiB, MiB, GiB, TiB, KB, MB, GB, TB) "
		  "from 512B to 4KiB, got '8k'");
	parse_err("s.big", "lots", "expected a size (B, KiB, MiB, GiB, TiB, KB, MB, GB, TB), "
		  "got 'lots'");
	parse_err("flag", "maybe", "expected true or false, got 'maybe'");
	parse_err("color", "purple", "expected red, green or blue, got 'purple'");
	parse_err("name", "toolongname", "expected a name of 1 to 7 characters, got 'toolongname'");
	parse_err("name", "", "expected a name of 1 to 7 characters, got ''");
	parse_err("addr", "0xdeadbeefdeadbeef0", "expected a number, got '0xdeadbeefdeadbeef0'");
}
END_TEST

START_TEST(test_settings_set)
{
	struct nvmesim_diag d;
	struct tset v;

	memset(&v, 0, sizeof(v));
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_settings_set(&tset_table, &v, "a.small=5", NULL, &d), 0);
	ck_assert_uint_eq(v.small, 5);
	ck_assert_int_eq(nvmesim_settings_set(&tset_table, &v, "nand.tR", "50us", &d), 0);
	ck_assert_uint_eq(v.tr, 50000);
	ck_assert_int_eq(nvmesim_settings_set(&tset_table, &v, "name= x=y", NULL, &d), 0);
	ck_assert_str_eq(v.name, "x=y");
	ck_assert_int_eq(nvmesim_settings_set(&tset_table, &v, "color=blue", NULL, NULL), 0);
	ck_assert_int_eq(v.color, 2);

	d.line = 9;
	d.file = "x";
	ck_assert_int_eq(nvmesim_settings_set(&tset_table, &v, "a.smal=3", NULL, &d), -EINVAL);
	ck_assert_str_eq(d.msg, "unknown setting 'a.smal'; did you mean 'a.small'?");
	ck_assert_ptr_null(d.file);
	ck_assert_uint_eq(d.line, 0);
	ck_assert_uint_eq(d.column, 0);
	ck_assert_int_eq(nvmesim_settings_set(&tset_table, &v, "nand.tr=3us", NULL, &d), -EINVAL);
	ck_assert_str_eq(d.msg, "unknown setting 'nand.tr'; did you mean 'nand.tR'?");
	ck_assert_int_eq(nvmesim_settings_set(&tset_table, &v, "zzzzzz=1", NULL, &d), -EINVAL);
	ck_assert_str_eq(d.msg, "unknown setting 'zzzzzz'");
	ck_assert_int_eq(nvmesim_settings_set(&tset_table, &v, "a.small", NULL, &d), -EINVAL);
	ck_assert_str_eq(d.msg, "expected path=value, got 'a.small'");
	ck_assert_int_eq(nvmesim_settings_set(&tset_table, &v, "=4", NULL, &d), -EINVAL);
	ck_assert_str_eq(d.msg, "expected path=value, got '=4'");
	ck_assert_int_eq(nvmesim_settings_set(&tset_table, &v, "a.small=0", NULL, &d), -EINVAL);
	ck_assert_str_eq(d.msg, "a.small: expected a number from 1 to 10, got '0'");
	ck_assert_uint_eq(v.small, 5);   /* a refused value leaves the old one */
}
END_TEST

START_TEST(test_nearest)
{
	static const char *const keys[] = { "iodepth", "lba", "queues", "tR", "queue_entries" };
	static const struct {
		const char *word, *want;
	} cases[] = {
		{ "iodeph", "iodepth" }, { "lab", "lba" }, { "queus", "queues" }, { "TR", "tR" },
		{ "queue_entrie", "queue_entries" }, { "zzz", NULL }, { "x", NULL },
		{ "depth", "iodepth" }, { "blocks", NULL }, { "", NULL },
	};
	struct nvmesim_nearest n;
	const char *got;
	unsigned int i, k;

	for (i = 0; i < NVMESIM_ARRAY_SIZE(cases); i++) {
		nvmesim_nearest_init(&n, cases[i].word);
		for (k = 0; k < NVMESIM_ARRAY_SIZE(keys); k++)
			nvmesim_nearest_add(&n, keys[k], strlen(keys[k]));
		got = nvmesim_nearest_get(&n);
		if (cases[i].want)
			ck_assert_msg(got && !strcmp(got, cases[i].want), "%s -> %s, want %s",
				      cases[i].word, got ? got : "NULL", cases[i].want);
		else
			ck_assert_msg(!got, "%s -> %s, want none", cases[i].word, got);
	}
}
END_TEST

/* write_tmp - a temporary file holding @text; its name goes to @path */
static void write_tmp(char *path, size_t len, const char *text)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, len, "%s/nvmesim-settings-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

START_TEST(test_yaml_load)
{
	const char *text =
		"# nested mappings, flow mappings and dotted keys all reach the same paths\n"
		"a:\n"
		"  count: 7\n"
		"  small: 3\n"
		"t: {lat: 2ms}\n"
		"s.big: 1TiB\n"
		"s:\n"
		"  sector: 4096\n"
		"flag: yes\n"
		"color: Blue\n"
		"name: \"ab c\"\n"
		"addr: 0xdead\n"
		"nand:\n"
		"  tR: 45us   # typical TLC\n";
	struct nvmesim_diag d;
	char path[256];
	struct tset v;

	write_tmp(path, sizeof(path), text);
	memset(&v, 0, sizeof(v));
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_yaml_load_settings(path, &tset_table, &v, &d), 0);
	unlink(path);
	ck_assert_uint_eq(v.count, 7);
	ck_assert_uint_eq(v.small, 3);
	ck_assert_uint_eq(v.lat, 2000000);
	ck_assert_uint_eq(v.big, 1ull << 40);
	ck_assert_uint_eq(v.sector, 4096);
	ck_assert(v.flag);
	ck_assert_int_eq(v.color, 2);
	ck_assert_str_eq(v.name, "ab c");
	ck_assert_uint_eq(v.addr, 0xdead);
	ck_assert_uint_eq(v.tr, 45000);
}
END_TEST

/* struct load_bad - a settings file and the message it must produce (after "FILE:") */
struct load_bad {
	const char *text;
	unsigned int line, col;
	const char *msg;
};

static const struct load_bad load_bad[] = {
	{ "a:\n  smal: 3\n", 2, 3, "a: expected a known key, got 'smal'; did you mean 'small'?" },
	{ "nand:\n  tr: 3us\n", 2, 3, "nand: expected a known key, got 'tr'; did you mean 'tR'?" },
	{ "colour: red\n", 1, 1, "settings: expected a known key, got 'colour'; did you mean "
	  "'color'?" },
	{ "zzzz: 1\n", 1, 1, "settings: expected a known key, got 'zzzz'" },
	{ "a: 3\n", 1, 4, "a: expected a mapping, got '3'" },
	{ "a: [1]\n", 1, 4, "a: expected a mapping, got a sequence" },
	{ "a:\n  small: [1]\n", 2, 10, "a.small: expected a number from 1 to 10, got a sequence" },
	{ "a:\n  small: {x: 1}\n", 2, 10, "a.small: expected a number from 1 to 10, got a "
	  "mapping" },
	{ "a:\n  small: 11\n", 2, 10, "a.small: expected a number from 1 to 10, got '11'" },
	{ "a:\n  small: 1\n  small: 2\n", 3, 3, "a.small: expected one value, got a second one "
	  "(the first, 'a.small', is on line 2)" },
	{ "a.small: 1\na:\n  small: 2\n", 3, 3, "a.small: expected one value, got a second one "
	  "(the first, 'a.small', is on line 1)" },
	{ "flag: \"yes\n", 2, 1, "syntax error: found unexpected end of stream (while scanning a "
	  "quoted scalar at 1:7)" },
	{ "", 1, 1, "settings: expected a mapping of settings, got an empty file" },
	{ "- 1\n", 1, 1, "settings: expected a mapping, got a sequence" },
	{ "flag: 1\n---\nflag: 0\n", 2, 1, "settings: expected a single YAML document, got a "
	  "second document" },
	{ "flag: &x 1\ncolor: *x\n", 2, 8, "color: expected red, green or blue, got an alias "
	  "(anchors and aliases are not supported)" },
	{ "? [a]\n: 1\n", 1, 3, "settings: expected a key, got a sequence" },
};

START_TEST(test_yaml_load_errors)
{
	const struct load_bad *c = &load_bad[_i];
	struct nvmesim_diag d;
	char path[256], want[640];
	struct tset v;

	write_tmp(path, sizeof(path), c->text);
	memset(&v, 0, sizeof(v));
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_yaml_load_settings(path, &tset_table, &v, &d), -EINVAL);
	snprintf(want, sizeof(want), "%s:%u:%u: %s", path, c->line, c->col, c->msg);
	ck_assert_str_eq(d.msg, want);
	ck_assert_str_eq(d.file, path);
	ck_assert_uint_eq(d.line, c->line);
	ck_assert_uint_eq(d.column, c->col);
	unlink(path);
}
END_TEST

START_TEST(test_yaml_load_io)
{
	struct nvmesim_diag d;
	struct tset v;

	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(nvmesim_yaml_load_settings("/nonexistent/p.yaml", &tset_table, &v, &d),
			 -ENOENT);
	ck_assert_str_eq(d.msg, "/nonexistent/p.yaml: cannot open: No such file or directory");
	ck_assert_int_eq(nvmesim_yaml_load_settings("/", &tset_table, &v, &d), -EISDIR);
	ck_assert_str_eq(d.msg, "/: cannot read: Is a directory");
}
END_TEST

/* settings_suite - the Check suite of this file */
static Suite *settings_suite(void)
{
	Suite *s = suite_create("settings");
	TCase *tc = tcase_create("units");

	tcase_add_test(tc, test_units_time);
	tcase_add_test(tc, test_units_size);
	tcase_add_test(tc, test_units_u64);
	tcase_add_test(tc, test_units_bool);
	suite_add_tcase(s, tc);
	tc = tcase_create("table");
	tcase_add_test(tc, test_setting_find);
	tcase_add_test(tc, test_setting_parse);
	tcase_add_test(tc, test_settings_set);
	tcase_add_test(tc, test_nearest);
	suite_add_tcase(s, tc);
	tc = tcase_create("yaml");
	tcase_add_test(tc, test_yaml_load);
	tcase_add_loop_test(tc, test_yaml_load_errors, 0, NVMESIM_ARRAY_SIZE(load_bad));
	tcase_add_test(tc, test_yaml_load_io);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nvmesim_test_run(settings_suite());
}
