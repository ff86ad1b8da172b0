/*
 * Unit tests of src/intel/intel_norm.h: for every type, forms of one value
 * give one key and bad values are refused with a reason that does not
 * quote them; the SimHash of near-duplicate ads; extraction from a chat
 * log and an ad in English, Hindi and Devanagari digits.  Every name,
 * handle, number and address here is made up; the wallet addresses encode
 * counting bytes (0x10 0x11 ...) with valid checksums.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "intel/intel_norm.h"

/* The key of value, or "" when refused (then *why is checked). */
static const char *
key(enum intel_type t, const char *value, const char *q, const char *region)
{
	static char out[4][4100];
	static int next;
	char *o = out[next++ % 4];
	const char *why = NULL;
	struct buf b;

	buf_init(&b, 0);
	if (intel_normalise(t, value, q, region, &b, &why)) {
		snprintf(o, 4100, "%s", b.p);
	} else {
		/* A reason, never the value. */
		assert_non_null(why);
		assert_true(strlen(why) > 3);
		assert_true(!*value || strlen(value) < 4 ||
			    !strstr(why, value));
		assert_int_equal(b.len, 0);
		o[0] = '\0';
	}
	buf_release(&b);
	return o;
}

struct same {
	enum intel_type type;
	const char *qualifier, *region;
	const char *expected;
	const char *forms[8];
};

static void
check_same(const struct same *cases, size_t n)
{
	int wrong = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < 8 && cases[i].forms[k]; k++) {
			const char *got = key(cases[i].type, cases[i].forms[k],
					      cases[i].qualifier,
					      cases[i].region);

			if (strcmp(got, cases[i].expected)) {
				print_error(
					"%s \"%s\": \"%s\", wanted \"%s\"\n",
					intel_type_name(cases[i].type),
					cases[i].forms[k], got,
					cases[i].expected);
				wrong++;
			}
		}
	assert_int_equal(wrong, 0);
}

struct refused {
	enum intel_type type;
	const char *qualifier, *region, *value;
};

static void
check_refused(const struct refused *cases, size_t n)
{
	int wrong = 0;

	for (size_t i = 0; i < n; i++) {
		const char *got = key(cases[i].type, cases[i].value,
				      cases[i].qualifier, cases[i].region);

		if (*got) {
			print_error("%s \"%s\" taken as \"%s\"\n",
				    intel_type_name(cases[i].type),
				    cases[i].value, got);
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

#define CHECK_SAME(c)	 check_same(c, sizeof(c) / sizeof(c[0]))
#define CHECK_REFUSED(c) check_refused(c, sizeof(c) / sizeof(c[0]))

static void
type_names_round_trip(void **state)
{
	enum intel_type t;

	(void)state;
	for (int i = 0; i < INTEL_TYPE_COUNT; i++) {
		assert_true(intel_type_parse(intel_type_name(i), &t));
		assert_int_equal(t, i);
	}
	assert_string_equal(intel_type_name(INTEL_BANK), "bank_account");
	assert_string_equal(intel_type_name(INTEL_AD), "ad_text");
	assert_false(intel_type_parse("telephone", &t));
	assert_null(intel_type_name(INTEL_TYPE_COUNT));
}

static void
phones(void **state)
{
	static const struct same cases[] = {
		{ INTEL_PHONE,
		  NULL,
		  "IN",
		  "+919820012345",
		  { "+91 98200 12345", "098200 12345", "9820012345",
		    "+91-98200-12345", "0091 98200 12345", "(+91) 98200-12345",
		    "९८२०० १२३४५", "＋９１ ９８２００ １２３４５" } },
		{ INTEL_PHONE,
		  NULL,
		  NULL,
		  "+919820012345",
		  { "+91 98200 12345", "0091 98200 12345",
		    " +919820012345 " } },
		{ INTEL_PHONE,
		  NULL,
		  "NP",
		  "+9779841234567",
		  { "9841234567", "+977 984-1234567", "00977 9841234567",
		    "९८४१२३४५६७" } },
		{ INTEL_PHONE,
		  NULL,
		  "LK",
		  "+94712345678",
		  { "071 234 5678", "+94 71 234 5678", "0712345678" } },
		{ INTEL_PHONE,
		  NULL,
		  "BD",
		  "+8801712345678",
		  { "01712 345678", "+880 1712-345678", "০১৭১২ ৩৪৫৬৭৮" } },
	};
	static const struct refused bad[] = {
		{ INTEL_PHONE, NULL, "IN", "12345" },
		{ INTEL_PHONE, NULL, "IN", "+91 98200 1234" },
		{ INTEL_PHONE, NULL, NULL, "9820012345" },
		{ INTEL_PHONE, NULL, "India", "9820012345" },
		{ INTEL_PHONE, NULL, "QQ", "9820012345" },
		{ INTEL_PHONE, NULL, "IN", "call me" },
		{ INTEL_PHONE, NULL, "IN", "" },
	};

	(void)state;
	CHECK_SAME(cases);
	CHECK_REFUSED(bad);
}

static void
emails_urls_domains(void **state)
{
	static const struct same cases[] = {
		{ INTEL_EMAIL,
		  NULL,
		  NULL,
		  "priya.jobs@example.com",
		  { "Priya.Jobs@Example.COM", " priya.jobs@example.com ",
		    "mailto:priya.jobs@EXAMPLE.com" } },
		{ INTEL_EMAIL,
		  NULL,
		  NULL,
		  "dubaihotelwork@gmail.com",
		  { "Dubai.Hotel.Work@gmail.com",
		    "dubaihotelwork+jobs@gmail.com",
		    "dubai.hotelwork@googlemail.com" } },
		{ INTEL_EMAIL,
		  NULL,
		  NULL,
		  "jobs@xn--11b1bza8dvc.xn--h2brj9c",
		  { "jobs@नौकरी.भारत", "JOBS@नौकरी.भारत" } },
		{ INTEL_URL,
		  NULL,
		  NULL,
		  "https://example.com/",
		  { "https://example.com", "HTTPS://EXAMPLE.COM:443/",
		    "https://example.com/#top",
		    "https://example.com/?utm_source=fb",
		    "https://example.com?fbclid=x1&gclid=y2" } },
		{ INTEL_URL,
		  NULL,
		  NULL,
		  "https://www.example.com/jobs/Dubai~1?id=7",
		  { "www.example.com/jobs/Dubai%7e1?id=7",
		    "https://WWW.Example.com/jobs/./x/../Dubai%7E1?id=7&utm_medium=s",
		    "https://www.example.com:443/jobs/Dubai~1?igshid=abc&id=7#apply" } },
		{ INTEL_URL,
		  NULL,
		  NULL,
		  "http://example.org:8080/a%2Fb%C3%A9",
		  { "http://example.org:8080/a%2fb%c3%a9",
		    "http://Example.Org:8080/a%2Fbé" } },
		{ INTEL_URL,
		  NULL,
		  NULL,
		  "https://xn--11b1bza8dvc.xn--h2brj9c/",
		  { "https://नौकरी.भारत",
		    "https://xn--11b1bza8dvc.xn--h2brj9c/" } },
		{ INTEL_URL,
		  NULL,
		  NULL,
		  "https://example.com/go?u=https://x.example.org/",
		  { "example.com/go?u=https://x.example.org/",
		    "https://example.com/go?u=https://x.example.org/#a" } },
		{ INTEL_URL,
		  NULL,
		  NULL,
		  "http://192.0.2.7/x",
		  { "http://192.0.2.7:80/x", "http://user:pw@192.0.2.7/x" } },
		{ INTEL_DOMAIN,
		  NULL,
		  NULL,
		  "example.co.in",
		  { "Example.CO.IN", "www.example.co.in", "example.co.in." } },
		{ INTEL_DOMAIN,
		  NULL,
		  NULL,
		  "xn--11b1bza8dvc.xn--h2brj9c",
		  { "नौकरी.भारत", "www.नौकरी.भारत" } },
	};
	static const struct refused bad[] = {
		{ INTEL_EMAIL, NULL, NULL, "priya.jobs" },
		{ INTEL_EMAIL, NULL, NULL, "priya..jobs@example.com" },
		{ INTEL_EMAIL, NULL, NULL, "priya@example" },
		{ INTEL_EMAIL, NULL, NULL, "priya@exa mple.com" },
		{ INTEL_EMAIL, NULL, NULL, "@example.com" },
		{ INTEL_EMAIL, NULL, NULL, "+tag@gmail.com" },
		{ INTEL_URL, NULL, NULL, "ftp://example.com/x" },
		{ INTEL_URL, NULL, NULL, "javascript:alert(1)" },
		{ INTEL_URL, NULL, NULL, "https://exa_mple.com/" },
		{ INTEL_URL, NULL, NULL, "https://example.com:99999/" },
		{ INTEL_URL, NULL, NULL, "https:///x" },
		{ INTEL_URL, NULL, NULL, "https://[::1/" },
		{ INTEL_DOMAIN, NULL, NULL, "localhost" },
		{ INTEL_DOMAIN, NULL, NULL, "-bad.example.com" },
		{ INTEL_DOMAIN, NULL, NULL, "https://example.com/x" },
		{ INTEL_DOMAIN, NULL, NULL, "192.0.2.7" },
		{ INTEL_DOMAIN, NULL, NULL, "a..example.com" },
	};

	(void)state;
	CHECK_SAME(cases);
	CHECK_REFUSED(bad);
}

static void
handles_and_messaging(void **state)
{
	static const struct same cases[] = {
		{ INTEL_HANDLE,
		  "instagram",
		  NULL,
		  "instagram:priya.jobs_2024",
		  { "@Priya.Jobs_2024", "priya.jobs_2024",
		    "https://www.instagram.com/Priya.Jobs_2024/",
		    "instagram.com/priya.jobs_2024?igsh=abc",
		    "http://instagram.com/priya.jobs_2024" } },
		{ INTEL_HANDLE,
		  "facebook",
		  NULL,
		  "facebook:gulfhoteljobs",
		  { "Gulf.Hotel.Jobs", "gulfhoteljobs",
		    "https://m.facebook.com/gulf.hotel.jobs/",
		    "fb.com/GulfHotelJobs" } },
		{ INTEL_HANDLE,
		  "fb",
		  NULL,
		  "facebook:100000123456789",
		  { "https://www.facebook.com/profile.php?id=100000123456789",
		    "100000123456789" } },
		{ INTEL_HANDLE,
		  "x",
		  NULL,
		  "x:visa_agent_k",
		  { "@Visa_Agent_K", "https://twitter.com/visa_agent_k",
		    "x.com/VISA_AGENT_K" } },
		{ INTEL_HANDLE,
		  "tiktok",
		  NULL,
		  "tiktok:dubai.jobs.fast",
		  { "@dubai.jobs.fast",
		    "https://www.tiktok.com/@Dubai.Jobs.Fast" } },
		{ INTEL_HANDLE,
		  "youtube",
		  NULL,
		  "youtube:gulf-work-info",
		  { "@Gulf-Work-Info",
		    "https://youtube.com/@gulf-work-info" } },
		{ INTEL_HANDLE,
		  "linkedin",
		  NULL,
		  "linkedin:hr-recruit-4521",
		  { "https://in.linkedin.com/in/HR-Recruit-4521/",
		    "hr-recruit-4521" } },
		{ INTEL_MESSAGING,
		  "whatsapp",
		  "IN",
		  "whatsapp:+919820012345",
		  { "98200 12345", "+91 98200 12345",
		    "https://wa.me/919820012345", "wa.me/919820012345?text=hi",
		    "https://api.whatsapp.com/send?phone=919820012345" } },
		{ INTEL_MESSAGING,
		  "imo",
		  "NP",
		  "imo:+9779841234567",
		  { "9841234567", "+977-9841234567" } },
		{ INTEL_MESSAGING,
		  "telegram",
		  NULL,
		  "telegram:gulf_jobs_agent",
		  { "@Gulf_Jobs_Agent", "gulf_jobs_agent",
		    "https://t.me/gulf_jobs_agent", "t.me/Gulf_Jobs_Agent" } },
		{ INTEL_MESSAGING,
		  "telegram",
		  NULL,
		  "telegram:+919820012345",
		  { "+91 98200 12345", "https://t.me/+919820012345" } },
		{ INTEL_MESSAGING,
		  "signal",
		  "LK",
		  "signal:kasun_work.07",
		  { "Kasun_Work.07", "@kasun_work.07" } },
		{ INTEL_MESSAGING,
		  "signal",
		  "LK",
		  "signal:+94712345678",
		  { "071 234 5678", "+94712345678" } },
	};
	static const struct refused bad[] = {
		{ INTEL_HANDLE, NULL, NULL, "@priya" },
		{ INTEL_HANDLE, "myspace", NULL, "@priya" },
		{ INTEL_HANDLE, "instagram", NULL, "@priya jobs" },
		{ INTEL_HANDLE, "instagram", NULL, "@.priya" },
		{ INTEL_HANDLE, "instagram", NULL, "@priya..jobs" },
		{ INTEL_HANDLE, "instagram", NULL,
		  "@averyveryveryverylonghandle12345" },
		{ INTEL_HANDLE, "instagram", NULL,
		  "https://www.instagram.com/p/Cx1234/" },
		{ INTEL_HANDLE, "instagram", NULL,
		  "https://www.facebook.com/priya.jobs" },
		{ INTEL_HANDLE, "x", NULL, "@visa.agent" },
		{ INTEL_HANDLE, "facebook", NULL,
		  "https://facebook.com/groups/12" },
		{ INTEL_MESSAGING, NULL, "IN", "9820012345" },
		{ INTEL_MESSAGING, "whatsapp", "IN", "12345" },
		{ INTEL_MESSAGING, "whatsapp", NULL,
		  "https://chat.whatsapp.com/AbCdEf123" },
		{ INTEL_MESSAGING, "telegram", NULL, "@abc" },
		{ INTEL_MESSAGING, "telegram", NULL,
		  "https://t.me/+AbCdEf123" },
		{ INTEL_MESSAGING, "signal", NULL, "kasun" },
		{ INTEL_MESSAGING, "signal", NULL, "kasun.1" },
	};

	(void)state;
	CHECK_SAME(cases);
	CHECK_REFUSED(bad);
}

static void
payments(void **state)
{
	static const struct same cases[] = {
		{ INTEL_UPI,
		  NULL,
		  NULL,
		  "hotelagent.7@okaxis",
		  { "HotelAgent.7@OkAxis", " hotelagent.7@okaxis",
		    "upi://pay?pa=hotelagent.7@okaxis&pn=Agent&am=500" } },
		{ INTEL_UPI,
		  NULL,
		  NULL,
		  "9820012345@ybl",
		  { "9820012345@YBL" } },
		{ INTEL_BANK,
		  NULL,
		  NULL,
		  "SBIN0001234:00012345678901",
		  { "SBIN0001234 / 00012345678901",
		    "IFSC SBIN0001234 A/C 00012345678901",
		    "sbin0001234 account no. 0001 2345 6789 01",
		    "A/C: 00012345678901, IFSC: SBIN0001234",
		    "IFSC SBIN0001234 A/C ०००१२३४५६७८९०१" } },
		{ INTEL_WALLET,
		  NULL,
		  NULL,
		  "btc:12TxGA2WCEsnXaz4GNgTD5db1hS2g3xN6E",
		  { "12TxGA2WCEsnXaz4GNgTD5db1hS2g3xN6E",
		    " 12TxGA2WCEsnXaz4GNgTD5db1hS2g3xN6E " } },
		{ INTEL_WALLET,
		  "bitcoin",
		  NULL,
		  "btc:365qHxQhTvro1zXVnrH6s1xrzF7muf5pa1",
		  { "365qHxQhTvro1zXVnrH6s1xrzF7muf5pa1" } },
		{ INTEL_WALLET,
		  NULL,
		  NULL,
		  "btc:bc1qwpchyum5w4m8w7re0fahclt707qgrq5rn7x4ll",
		  { "bc1qwpchyum5w4m8w7re0fahclt707qgrq5rn7x4ll",
		    "BC1QWPCHYUM5W4M8W7RE0FAHCLT707QGRQ5RN7X4LL" } },
		{ INTEL_WALLET,
		  NULL,
		  NULL,
		  "btc:bc1pszqc9quyskrg0zyf329cervw37gfry5njj2ed9ucnxdfh8yan60skzucck",
		  { "bc1pszqc9quyskrg0zyf329cervw37gfry5njj2ed9ucnxdfh8yan60skzucck" } },
		{ INTEL_WALLET,
		  "eth",
		  NULL,
		  "eth:0x52908400098527886e0f7030069857d2e4169ee7",
		  { "0x52908400098527886E0F7030069857D2E4169EE7",
		    "0X52908400098527886e0f7030069857d2e4169ee7" } },
		{ INTEL_WALLET,
		  "tron",
		  NULL,
		  "trx:THHtUjBjnYKzVEjhfQCHBrGQaXyQBB582y",
		  { "THHtUjBjnYKzVEjhfQCHBrGQaXyQBB582y" } },
	};
	static const struct refused bad[] = {
		{ INTEL_UPI, NULL, NULL, "agent@okaxis.com" },
		{ INTEL_UPI, NULL, NULL, "a@ybl" },
		{ INTEL_UPI, NULL, NULL, "agent" },
		{ INTEL_UPI, NULL, NULL, "upi://pay?pn=Agent" },
		{ INTEL_BANK, NULL, NULL, "SBIN0001234" },
		{ INTEL_BANK, NULL, NULL, "12345678901" },
		{ INTEL_BANK, NULL, NULL, "SBIN1001234 12345678901" },
		{ INTEL_BANK, NULL, NULL, "SBIN0001234 1234567" },
		{ INTEL_BANK, NULL, NULL, "SBIN0001234 1234567890123456789" },
		{ INTEL_BANK, NULL, NULL,
		  "SBIN0001234 send 12345678901 today" },
		/* One character changed: the checksum fails. */
		{ INTEL_WALLET, NULL, NULL,
		  "12TxGA2WCEsnXaz4GNgTD5db1hS2g3xN6F" },
		{ INTEL_WALLET, NULL, NULL,
		  "bc1qwpchyum5w4m8w7re0fahclt707qgrq5rn7x4lm" },
		{ INTEL_WALLET, NULL, NULL,
		  "bc1qwpchyum5w4m8w7re0fahclt707qgrq5rn7X4ll" },
		{ INTEL_WALLET, NULL, NULL,
		  "THHtUjBjnYKzVEjhfQCHBrGQaXyQBB582z" },
		{ INTEL_WALLET, NULL, NULL,
		  "0x52908400098527886e0f7030069857d2e4169ee" },
		{ INTEL_WALLET, "tron", NULL,
		  "12TxGA2WCEsnXaz4GNgTD5db1hS2g3xN6E" },
		{ INTEL_WALLET, "dogecoin", NULL,
		  "12TxGA2WCEsnXaz4GNgTD5db1hS2g3xN6E" },
	};

	(void)state;
	CHECK_SAME(cases);
	CHECK_REFUSED(bad);
}

static void
ips_plates_names(void **state)
{
	static const struct same cases[] = {
		{ INTEL_IP,
		  NULL,
		  NULL,
		  "192.0.2.7",
		  { "192.0.2.7", " 192.0.2.7", "::ffff:192.0.2.7",
		    "[::ffff:c000:207]" } },
		{ INTEL_IP,
		  NULL,
		  NULL,
		  "2001:db8::1",
		  { "2001:DB8:0:0:0:0:0:1", "2001:db8::0:1",
		    "[2001:db8::1]" } },
		{ INTEL_PLATE,
		  NULL,
		  NULL,
		  "MH12AB1234",
		  { "MH 12 AB 1234", "MH-12-AB-1234", "mh12ab1234",
		    "MH 12 AB १२३४" } },
		{ INTEL_PLATE, NULL, NULL, "22BH1234AA", { "22 BH 1234 AA" } },
		{ INTEL_PLATE,
		  NULL,
		  NULL,
		  "BA2CA1234",
		  { "बा २ च १२३४", "बा 2 च 1234", "BA 2 CA 1234" } },
		{ INTEL_NAME,
		  NULL,
		  NULL,
		  "laksmi tamang",
		  { "लक्ष्मी तामाङ", "Laxmi Tamang", "LAKSHMI  TAMANG" } },
	};
	static const struct refused bad[] = {
		{ INTEL_IP, NULL, NULL, "192.0.2.256" },
		{ INTEL_IP, NULL, NULL, "192.0.2" },
		{ INTEL_IP, NULL, NULL, "01.2.3.4" },
		{ INTEL_IP, NULL, NULL, "fe80::1%eth0" },
		{ INTEL_IP, NULL, NULL, "example.com" },
		{ INTEL_PLATE, NULL, NULL, "MH" },
		{ INTEL_PLATE, NULL, NULL, "ABCDEF" },
		{ INTEL_PLATE, NULL, NULL, "MH 12 <AB> 1234" },
		{ INTEL_NAME, NULL, NULL, "1234 !!" },
		{ INTEL_AD, NULL, NULL, "!!! ... ???" },
	};

	(void)state;
	CHECK_SAME(cases);
	CHECK_REFUSED(bad);
}

static void
refusals_of_any_type(void **state)
{
	char *big = malloc(2100);
	const char *why = NULL;
	struct buf b;

	(void)state;
	memset(big, '9', 2099);
	big[2099] = '\0';
	buf_init(&b, 0);
	for (int t = 0; t < INTEL_TYPE_COUNT; t++) {
		assert_false(intel_normalise(t, big, "x", "IN", &b, &why));
		assert_string_equal(why, "longer than 2000 characters");
		assert_false(
			intel_normalise(t, "ab\xff\xfe", "x", "IN", &b, &why));
		assert_string_equal(why, "not valid UTF-8");
		assert_false(intel_normalise(t, "  ", "x", "IN", &b, &why));
		assert_false(intel_normalise(t, NULL, "x", "IN", &b, &why));
	}
	/* Characters count, not bytes: 2000 of three bytes each are not
	 * too long, 2001 are. */
	free(big);
	big = malloc(3 * 2001 + 1);
	for (int i = 0; i < 2000; i++)
		memcpy(big + 3 * i, "क", 3);
	big[3 * 2000] = '\0';
	assert_true(intel_normalise(INTEL_AD, big, NULL, NULL, &b, &why));
	assert_int_equal(b.len, 16);
	memcpy(big + 3 * 2000, "क", 4);
	assert_false(intel_normalise(INTEL_AD, big, NULL, NULL, &b, &why));
	/* A buffer with a max too small for the key. */
	buf_release(&b);
	buf_init(&b, 8);
	assert_false(intel_normalise(INTEL_URL, "https://example.com/x", NULL,
				     NULL, &b, &why));
	assert_string_equal(why, "too long to keep");
	buf_release(&b);
	free(big);
}

/* ---- SimHash ---- */

static int
distance(uint64_t a, uint64_t b)
{
	return __builtin_popcountll(a ^ b);
}

static void
simhash_near_duplicates(void **state)
{
	static const char ad[] =
		"Urgent hiring girls for hotel work in Dubai, salary 50000 "
		"per month, free visa and free air ticket, food and stay "
		"provided by company. No experience needed, age 18 to 25 "
		"only. Interview this week in Kathmandu and Delhi. Send "
		"photo and passport copy on WhatsApp, call 98200 12345 now, "
		"limited seats!";
	static const char one_word[] =
		"Urgent hiring girls for hotel work in Dubai, salary 60000 "
		"per month, free visa and free air ticket, food and stay "
		"provided by company. No experience needed, age 18 to 25 "
		"only. Interview this week in Kathmandu and Delhi. Send "
		"photo and passport copy on WhatsApp, call 98200 12345 now, "
		"limited seats!";
	static const char punctuation[] =
		"URGENT HIRING girls for hotel work in Dubai!! salary 50000 "
		"per month; free visa and free air ticket. Food and stay "
		"provided by company -- no experience needed (age 18 to 25 "
		"only). Interview this week in Kathmandu and Delhi... send "
		"photo and passport copy on WhatsApp / call 98200 12345 now "
		"- limited seats";
	static const char other[] =
		"Second-hand Maruti car for sale in Pune, 2015 model, single "
		"owner, 62000 km driven, new tyres and battery, all papers "
		"clear, insurance valid till March. Price negotiable, serious "
		"buyers only, test drive on Sunday morning near the station.";
	static const char other2[] =
		"Tuition classes for class 10 maths and science, experienced "
		"teacher, small batches of five students, evening timings, "
		"weekly tests and doubt sessions, first class free, fees "
		"monthly, located near the central library in Pokhara.";
	uint64_t h = intel_simhash(ad);

	(void)state;
	assert_int_equal(h, intel_simhash(ad)); /* deterministic */
	assert_true(distance(h, intel_simhash(one_word)) <= INTEL_SIMHASH_NEAR);
	assert_true(distance(h, intel_simhash(punctuation)) <=
		    INTEL_SIMHASH_NEAR);
	assert_true(distance(h, intel_simhash(other)) > 12);
	assert_true(distance(h, intel_simhash(other2)) > 12);
	assert_true(distance(intel_simhash(other), intel_simhash(other2)) > 12);
	/* The key is the SimHash in hex, the same for the same words. */
	assert_string_equal(key(INTEL_AD, ad, NULL, NULL),
			    key(INTEL_AD, punctuation, NULL, NULL));
	assert_int_equal(strlen(key(INTEL_AD, ad, NULL, NULL)), 16);
	assert_int_equal(intel_simhash(""), 0);
}

/* ---- extraction ---- */

static const struct intel_found *
found(const struct intel_found *f, size_t n, enum intel_type t, const char *k)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].type == t && !strcmp(f[i].key, k))
			return &f[i];
	return NULL;
}

static void
check_found(const char *text, const struct intel_found *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* The value is the text at its offset, in order, once. */
		assert_true(f[i].offset + f[i].length <= strlen(text));
		assert_memory_equal(text + f[i].offset, f[i].value,
				    f[i].length);
		assert_int_equal(strlen(f[i].value), f[i].length);
		if (i > 0)
			assert_true(f[i].offset >= f[i - 1].offset);
		for (size_t k = 0; k < i; k++)
			assert_false(f[k].type == f[i].type &&
				     !strcmp(f[k].key, f[i].key));
	}
}

static void
extract_chat_log(void **state)
{
	static const char chat[] =
		"[10:02] Ravi: bhai job pakka hai, Dubai hotel, 50k salary\n"
		"[10:03] Ravi: call me on +91 98200 12345 or 98200-54321\n"
		"[10:03] Ravi: whatsapp: 9841234567 (same number on imo)\n"
		"[10:05] Ravi: insta @Gulf.Jobs.Fast and IG: @dubai_dreams_99.\n"
		"[10:06] Ravi: telegram @Gulf_Jobs_Agent, group "
		"https://t.me/gulf_jobs_agent\n"
		"[10:07] Ravi: mail CV to Gulf.Jobs.Fast+cv@gmail.com or "
		"hr@gulf-hotel-jobs.example.com\n"
		"[10:08] Ravi: registration fee 5000 to agent7@okaxis or "
		"IFSC SBIN0001234 A/C 00012345678901\n"
		"[10:09] Ravi: site www.gulf-hotel-jobs.xyz/apply?utm_source=wa "
		"and https://wa.me/919820012345\n"
		"[10:10] Ravi: profile https://www.facebook.com/gulf.hotel.jobs/ "
		"and fb.com/profile.php?id=100000123456789\n"
		"[10:11] Ravi: usdt trc20 THHtUjBjnYKzVEjhfQCHBrGQaXyQBB582y, "
		"btc bc1qwpchyum5w4m8w7re0fahclt707qgrq5rn7x4ll\n"
		"[10:12] Ravi: server 192.0.2.45, car MH 12 AB 1234 will pick "
		"you at 6:30\n"
		"[10:13] Ravi: pay on 9820012345@ybl, ok? ref no 20241105\n";
	static const struct {
		enum intel_type type;
		const char *key;
	} want[] = {
		{ INTEL_PHONE, "+919820012345" },
		{ INTEL_PHONE, "+919820054321" },
		{ INTEL_MESSAGING, "whatsapp:+919841234567" },
		{ INTEL_HANDLE, "instagram:gulf.jobs.fast" },
		{ INTEL_HANDLE, "instagram:dubai_dreams_99" },
		{ INTEL_MESSAGING, "telegram:gulf_jobs_agent" },
		{ INTEL_URL, "https://t.me/gulf_jobs_agent" },
		{ INTEL_EMAIL, "gulfjobsfast@gmail.com" },
		{ INTEL_EMAIL, "hr@gulf-hotel-jobs.example.com" },
		{ INTEL_UPI, "agent7@okaxis" },
		{ INTEL_BANK, "SBIN0001234:00012345678901" },
		{ INTEL_URL, "https://www.gulf-hotel-jobs.xyz/apply" },
		{ INTEL_DOMAIN, "gulf-hotel-jobs.xyz" },
		{ INTEL_MESSAGING, "whatsapp:+919820012345" },
		{ INTEL_HANDLE, "facebook:gulfhoteljobs" },
		{ INTEL_HANDLE, "facebook:100000123456789" },
		{ INTEL_WALLET, "trx:THHtUjBjnYKzVEjhfQCHBrGQaXyQBB582y" },
		{ INTEL_WALLET,
		  "btc:bc1qwpchyum5w4m8w7re0fahclt707qgrq5rn7x4ll" },
		{ INTEL_IP, "192.0.2.45" },
		{ INTEL_PLATE, "MH12AB1234" },
		{ INTEL_UPI, "9820012345@ybl" },
	};
	struct intel_found f[INTEL_TYPE_COUNT * 8];
	struct arena a;
	size_t n;

	(void)state;
	arena_init(&a);
	n = intel_extract(chat, "IN", &a, f, sizeof(f) / sizeof(f[0]));
	check_found(chat, f, n);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!found(f, n, want[i].type, want[i].key))
			fail_msg("not found: %s %s",
				 intel_type_name(want[i].type), want[i].key);
	/* Account numbers, dates and times are not phone numbers; the
	 * email's domain is not proposed apart from it. */
	for (size_t i = 0; i < n; i++) {
		assert_false(f[i].type == INTEL_PHONE &&
			     strstr(f[i].value, "12345678901"));
		assert_false(f[i].type == INTEL_PHONE &&
			     strstr(f[i].value, "20241105"));
		assert_false(f[i].type == INTEL_DOMAIN &&
			     !strcmp(f[i].key, "gmail.com"));
		assert_false(f[i].type == INTEL_DOMAIN &&
			     !strcmp(f[i].key, "facebook.com"));
		assert_false(f[i].type == INTEL_EMAIL &&
			     strstr(f[i].key, "okaxis"));
	}
	assert_string_equal(
		found(f, n, INTEL_HANDLE, "instagram:gulf.jobs.fast")->value,
		"@Gulf.Jobs.Fast");
	assert_string_equal(
		found(f, n, INTEL_HANDLE, "instagram:gulf.jobs.fast")->qualifier,
		"instagram");
	/* At most max, the first ones. */
	assert_int_equal(intel_extract(chat, "IN", &a, f, 3), 3);
	assert_int_equal(f[0].type, INTEL_PHONE);
	assert_int_equal(intel_extract("", "IN", &a, f, 3), 0);
	assert_int_equal(intel_extract("nothing to see here", "IN", &a, f, 3),
			 0);
	arena_release(&a);
}

static void
extract_mixed_script_ad(void **state)
{
	static const char ad[] =
		"🔥 दुबई में होटल जॉब 🔥 लड़कियों के लिए, सैलरी ५०००० महीना, "
		"फ्री वीज़ा! संपर्क करें: ९८२०० १२३४५ या व्हाट्सएप +91 98201 "
		"23456. Insta: @dubai.hotel.naukri · ईमेल "
		"naukri.dubai@example.in · वेबसाइट "
		"https://नौकरी.भारत/apply · गाड़ी बा २ च १२३४ से "
		"पिकअप।";
	struct intel_found f[64];
	struct arena a;
	size_t n;

	(void)state;
	arena_init(&a);
	n = intel_extract(ad, "IN", &a, f, 64);
	check_found(ad, f, n);
	assert_non_null(found(f, n, INTEL_PHONE, "+919820012345"));
	assert_string_equal(found(f, n, INTEL_PHONE, "+919820012345")->value,
			    "९८२०० १२३४५");
	assert_non_null(found(f, n, INTEL_PHONE, "+919820123456"));
	assert_non_null(
		found(f, n, INTEL_HANDLE, "instagram:dubai.hotel.naukri"));
	assert_non_null(found(f, n, INTEL_EMAIL, "naukri.dubai@example.in"));
	assert_non_null(found(f, n, INTEL_URL,
			      "https://xn--11b1bza8dvc.xn--h2brj9c/apply"));
	assert_non_null(found(f, n, INTEL_PLATE, "BA2CA1234"));
	/* The salary is no phone number. */
	for (size_t i = 0; i < n; i++)
		assert_null(strstr(f[i].value, "५००००"));
	arena_release(&a);
}

/* Extraction and the plate transliterator, which are shared, from two
 * threads at once give what one thread gets. */
static void *
extract_twice(void *arg)
{
	static const char text[] =
		"car बा २ च १२३४ and MH 12 AB 1234, call 98200 12345, "
		"insta @priya.jobs_2024, https://wa.me/919820012345";
	struct intel_found f[16];
	struct arena a;
	size_t *ok = arg;

	arena_init(&a);
	for (int i = 0; i < 50; i++) {
		size_t n = intel_extract(text, "IN", &a, f, 16);

		*ok += n == 6 && found(f, n, INTEL_PLATE, "BA2CA1234") &&
		       found(f, n, INTEL_MESSAGING, "whatsapp:+919820012345");
		arena_clear(&a);
	}
	arena_release(&a);
	return NULL;
}

static void
threads(void **state)
{
	pthread_t t[2];
	size_t ok[2] = { 0, 0 };

	(void)state;
	for (int i = 0; i < 2; i++)
		assert_int_equal(
			pthread_create(&t[i], NULL, extract_twice, &ok[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(ok[0], 50);
	assert_int_equal(ok[1], 50);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(type_names_round_trip),
		cmocka_unit_test(phones),
		cmocka_unit_test(emails_urls_domains),
		cmocka_unit_test(handles_and_messaging),
		cmocka_unit_test(payments),
		cmocka_unit_test(ips_plates_names),
		cmocka_unit_test(refusals_of_any_type),
		cmocka_unit_test(simhash_near_duplicates),
		cmocka_unit_test(extract_chat_log),
		cmocka_unit_test(extract_mixed_script_ad),
		cmocka_unit_test(threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
