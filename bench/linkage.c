/*
 * bench/linkage's helper: the Dice kernel against a plain loop, and the
 * generated persons of the million-against-a-million run.
 *
 *   linkage dice N REPEAT SCALAR_QUERIES
 *                        N random 1024-bit CLKs (each bit set with
 *                        probability 1/2) against N others: atip's
 *                        link_match on 1 and on 2 threads, REPEAT calls a
 *                        batch, best of 9 batches taken in turns; next to
 *                        it link_dice_scalar in a plain loop over the first
 *                        SCALAR_QUERIES queries against all N candidates,
 *                        1 thread, best of 3 passes.  The last line holds
 *                        the figures for bench/linkage.
 *   linkage persons N MATCHES DISTRICTS DIR
 *                        writes DIR/a.csv and DIR/b.csv, N persons each,
 *                        and DIR/truth.csv (a_id,b_id,corruption): MATCHES
 *                        of B's persons are lightly corrupted copies of A's
 *                        (one typo in a name, day and month swapped, or the
 *                        phone left out), the others are drawn afresh; B
 *                        is shuffled and its ids say nothing of A's
 *
 * Everything is drawn from fixed seeds: every run sees the same CLKs and
 * the same persons.  The names are common names of Nepal, India,
 * Bangladesh and Sri Lanka combined at random (no region kept together),
 * the districts real ones (data/gazetteer/districts.tsv), the phones
 * random digits: no row describes a real person.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "linkage/link.h"
#include "bench.h"

#define NITEMS(v) (sizeof(v) / sizeof(v[0]))

enum { WORDS = 16 }; /* 1024 bits */

/* From 0 to n - 1, by multiply and shift: not bench_rng_below() (a
 * remainder), which would draw other persons. */
static size_t
below(struct bench_rng *r, size_t n)
{
	return (size_t)(((bench_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static long
number(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno || end == s || *end || v < 0 ? -1 : v;
}

/* ---- the Dice kernel ---- */

static void
random_set(struct link_set *s, size_t n, uint64_t seed)
{
	struct bench_rng r = { seed };
	uint64_t clk[WORDS];

	link_set_init(s, WORDS);
	for (size_t i = 0; i < n; i++) {
		for (int w = 0; w < WORDS; w++)
			clk[w] = bench_rng_next(&r);
		link_set_add(s, clk, (uint32_t)i);
	}
}

/*
 * Comparisons a second of link_match on threads threads, the best of
 * batches of repeat calls, and the process's CPU time over wall time in
 * that batch (near threads when nothing else held the cores); false when
 * a call did not compare every pair.
 */
static bool
time_match(const struct link_set *a, const struct link_set *b, double t,
	   int threads, long repeat, int batches, double *rate, double *busy)
{
	*rate = 0;
	for (int batch = 0; batch < batches; batch++) {
		struct link_pairs p = { 0 };
		double t0 = bench_now_s(), c0 = bench_cpu_s(), dt;

		for (long i = 0; i < repeat; i++)
			link_match(a, b, t, 0, false, threads, &p);
		dt = bench_now_s() - t0;
		if (p.compared != (uint64_t)repeat * a->n * b->n || p.n) {
			fprintf(stderr,
				"linkage: link_match compared %llu pairs, "
				"not %zu x %zu x %ld, and kept %zu\n",
				(unsigned long long)p.compared, a->n, b->n,
				repeat, p.n);
			return false;
		}
		if ((double)p.compared / dt > *rate) {
			*rate = (double)p.compared / dt;
			*busy = (bench_cpu_s() - c0) / dt;
		}
		link_pairs_release(&p);
	}
	return true;
}

/*
 * The plain loops over the first nq queries against all of b, 1 thread,
 * best of 3 passes: link_dice_scalar (three popcounts a pair), and the
 * same SWAR popcount with the two CLKs' own popcounts kept, as link_match
 * keeps them.  The checksums (sums of the coefficients) keep the compiler
 * from dropping the work and are printed.
 */
static void
time_scalar(const struct link_set *a, const struct link_set *b, size_t nq,
	    double *rate, double *sum, double *rate_kept, double *sum_kept)
{
	double pairs = (double)nq * (double)b->n;

	*rate = *rate_kept = 0;
	for (int pass = 0; pass < 3; pass++) {
		double t0 = bench_now_s(), dt;

		*sum = 0;
		for (size_t q = 0; q < nq; q++)
			for (size_t c = 0; c < b->n; c++)
				*sum += link_dice_scalar(a->bits + q * WORDS,
							 b->bits + c * WORDS,
							 WORDS);
		dt = bench_now_s() - t0;
		if (pairs / dt > *rate)
			*rate = pairs / dt;
		*sum_kept = 0;
		t0 = bench_now_s();
		for (size_t q = 0; q < nq; q++)
			for (size_t c = 0; c < b->n; c++) {
				uint32_t n = link_common_scalar(
					a->bits + q * WORDS,
					b->bits + c * WORDS, WORDS);

				*sum_kept += 2.0 * n / (a->pop[q] + b->pop[c]);
			}
		dt = bench_now_s() - t0;
		if (pairs / dt > *rate_kept)
			*rate_kept = pairs / dt;
	}
}

/* link_match's pairs at t against the plain loop's, on every pair. */
static bool
check_match(const struct link_set *a, const struct link_set *b, double t)
{
	struct link_pairs p = { 0 };
	size_t plain = 0;
	bool ok;

	link_match(a, b, t, 0, false, 2, &p);
	for (size_t q = 0; q < a->n; q++)
		for (size_t c = 0; c < b->n; c++)
			plain += link_dice_scalar(a->bits + q * WORDS,
						  b->bits + c * WORDS,
						  WORDS) >= t;
	ok = p.n == plain && p.compared == (uint64_t)a->n * b->n;
	printf("check: %zu pairs at Dice >= %.4f by link_match (2 threads), "
	       "%zu by the plain loop, %llu compared: %s\n",
	       p.n, t, plain, (unsigned long long)p.compared,
	       ok ? "same" : "DIFFERENT");
	link_pairs_release(&p);
	return ok;
}

static int
dice(long n, long repeat, long nq)
{
	/* No random pair reaches 0.7 (the mean is 0.5, the deviation about
	 * 0.014) and every popcount lies within the range a query compares
	 * at 0.7, so every pair is compared and none is kept. */
	const double t = 0.7;
	struct link_set a, b;
	double one = 0, two = 0, busy1 = 0, busy2 = 0, scalar, kept, sum,
	       sum_kept, bits = 0;
	int rc = 1;

	if (nq > n)
		nq = n;
	random_set(&a, (size_t)n, 1);
	random_set(&b, (size_t)n, 2);
	link_set_sort(&b);
	for (size_t i = 0; i < a.n; i++)
		bits += a.pop[i];
	printf("%ld x %ld random 1024-bit CLKs (%.0f%% bits set), %.2f MiB "
	       "a side, kernel %s\n",
	       n, n, 100.0 * bits / (double)a.n / 1024,
	       (double)n * WORDS * 8 / 1048576, link_kernel());
	if (n <= 4096 && !check_match(&a, &b, 0.5501))
		goto out;
	/* 1 and 2 threads in turns, so that both meet the same load. */
	for (int round = 0; round < 3; round++) {
		double r1, r2, b1, b2;

		if (!time_match(&a, &b, t, 1, repeat, 3, &r1, &b1) ||
		    !time_match(&a, &b, t, 2, repeat, 3, &r2, &b2))
			goto out;
		if (r1 > one) {
			one = r1;
			busy1 = b1;
		}
		if (r2 > two) {
			two = r2;
			busy2 = b2;
		}
	}
	time_scalar(&a, &b, (size_t)nq, &scalar, &sum, &kept, &sum_kept);
	printf("atip link_match, 1 thread:  %8.1f M/s (all %ld x %ld pairs "
	       "compared, %ld times a batch, best of 9; CPU/wall %.2f)\n",
	       one / 1e6, n, n, repeat, busy1);
	printf("atip link_match, 2 threads: %8.1f M/s, %.2fx 1 thread "
	       "(CPU/wall %.2f)\n",
	       two / 1e6, two / one, busy2);
	printf("link_dice_scalar loop, 1 thread: %8.1f M/s over %ld x %ld "
	       "pairs, best of 3 (checksum %.6f)\n",
	       scalar / 1e6, nq, n, sum);
	printf("plain loop, popcounts kept:      %8.1f M/s (checksum "
	       "%.6f)\n",
	       kept / 1e6, sum_kept);
	printf("%.1f %.1f %.2f %.1f %.2f %.1f %.2f %.2f\n", one / 1e6,
	       two / 1e6, two / one, scalar / 1e6, one / scalar, kept / 1e6,
	       one / kept, busy2);
	rc = 0;
out:
	link_set_release(&a);
	link_set_release(&b);
	return rc;
}

/* ---- the persons ---- */

/* Common given names and surnames of Nepal, India, Bangladesh and Sri
 * Lanka, in one common romanisation. */
static const char female_names[] =
	"Aarati Aasha Aishwarya Akhila Amina Amrita Anita Anjali Anju Ankita "
	"Anusha Anuradha Aparna Archana Arpita Asmita Ayesha Babita Bandana "
	"Basanti Bhagwati Bharati Bimala Bindu Chameli Champa Chandani "
	"Chandrika Chhaya Dalia Damayanti Deepa Deepika Devaki Dhanmaya "
	"Dilrukshi Dipika Durga Farzana Fatema Gayatri Gita Gomati Hasina "
	"Hema Indira Indrani Jamuna Janaki Jasmin Jaya Jayanthi Jyoti Kabita "
	"Kalpana Kalyani Kamala Kanchan Kanti Karuna Kavitha Khadija "
	"Kokila Krishna Kumari Kusum Lakshmi Lalita Lata Leela Madhavi "
	"Madhu Mahima Malati Malini Mamata Manisha Manju Maya Meena Mina "
	"Mitali Mohini Mousumi Mumtaz Nadira Nalini Namita Nandini Nasreen "
	"Nilufar Nirmala Nisha Pabitra Padma Pallavi Parbati Parvin Pooja "
	"Poornima Prabha Pramila Pratima Preeti Priya Priyanka Puja Pushpa "
	"Radha Rajani Rakhi Rama Ranjana Rashmi Rekha Renu Reshma Rina Rita "
	"Roshni Rubina Rukmini Rupa Sabina Sadhana Sajani Salma Samjhana "
	"Sandhya Sangita Sanjida Sapana Sarala Saraswati Sarita Savitri "
	"Selvi Shabnam Shahana Shanti Sharmila Shirin Shobha Shova Shreya "
	"Shyamala Sita Smriti Sneha Sobha Sonia Srijana Subhadra Sudha "
	"Sujata Sulochana Sumaiya Sumitra Sunita Surekha Sushila Swapna "
	"Tahmina Tamanna Tara Tulasi Uma Urmila Usha Vaishali Vasanthi "
	"Vidya Vimala Yamuna Yasmin Zarina Nadeeka Chamari Sanduni Tharushi "
	"Nirosha Ishara Hiruni Dulani Malsha Kaveesha";

static const char male_names[] =
	"Aakash Abdul Abhishek Ajay Ajith Akbar Alamgir Amal Amit Amrit Anand "
	"Anil Anwar Arjun Arun Ashok Asif Babul Badal Bahadur Balaram "
	"Bhagwan Bharat Bhim Bijay Bikash Binod Bishal Bishnu Chandra "
	"Chaminda Deepak Dev Dhan Dharmendra Dilip Dinesh Dipak Ganesh "
	"Gopal Govind Gyan Habib Hari Harish Hasan Hemant Hussain Indra "
	"Iqbal Jagdish Jahangir Jamal Janak Jayantha Jitendra Kabir Kailash "
	"Kamal Kamrul Karim Kasun Keshab Khalid Kiran Krishna Kumar Lal "
	"Lalit Lokesh Madan Mahendra Mahesh Manoj Mohan Mukesh Murugan "
	"Nabin Nanda Narayan Naresh Navin Nazrul Nimal Nirmal Nitin Om "
	"Pankaj Pawan Prabhu Pradeep Prakash Pramod Prasanna Prem Rabin "
	"Rafiq Raghu Rahim Rajendra Rajesh Raju Ram Ramesh Ranjit Rashid "
	"Ravi Rohan Ruwan Sachin Sagar Sajjad Salim Sanjay Santosh Saroj "
	"Selvam Shahid Shankar Shyam Siddharth Sunil Suman Suresh Surya "
	"Tapan Tilak Tushar Uday Umesh Vijay Vikram Vinod Yusuf Zahid "
	"Anura Asanka Buddhika Chathura Dimuthu Gamini Janaka Kumara Lasith "
	"Mahinda Nuwan Roshan Sampath Saman Tharindu Upul Wasantha "
	"Arumugam Balan Ganesan Karthik Kannan Muthu Palani Rajan Senthil "
	"Sivakumar Thangaraj Velu Bablu Faruk Habibur Mizanur Mostafa Rubel "
	"Shafiq Shohel Tariq Liton Sujan Pasang Pemba Lhakpa Dawa Tenzing "
	"Nima Ang Mingma Phurba Sonam Tashi Dorje Gyalbu Birendra Dhruba "
	"Gokul Hemraj Jeevan Khem Kul Lok Mani Nar Padam Purna Rudra Shiva "
	"Tek Yam Yubaraj Basanta Bimal Chiranjibi Dipendra Ghanashyam "
	"Hikmat Ishwor Jagat Kedar Laxman Megh Netra Rishi Sabin";

static const char surnames[] =
	"Acharya Adhikari Aryal Bajracharya Basnet Baral Bhandari Bhattarai "
	"Bhusal Bista Budha Chaudhary Dahal Dangol Devkota Dhakal Ghimire "
	"Giri Gurung Joshi Kafle Karki Khadka Khanal Koirala Lama Limbu "
	"Magar Maharjan Neupane Oli Pandey Pant Paudel Pokharel Poudel Rai "
	"Rana Regmi Rijal Sapkota Sharma Sherpa Shrestha Sitaula Subedi "
	"Sunuwar Tamang Thakuri Thapa Tharu Timilsina Tiwari Upadhyay "
	"Agarwal Ahirwar Bansal Bhatt Chauhan Chaurasia Chaturvedi "
	"Choudhary Dubey Dwivedi Gupta Jaiswal Jha Kashyap Kushwaha Mahto "
	"Maurya Mishra Nishad Pandit Paswan Patel Prajapati Rajput Rathore "
	"Rawat Sahu Saxena Shukla Singh Sinha Srivastava Thakur Tripathi "
	"Verma Yadav Banerjee Basu Bhattacharya Biswas Bose Chakraborty "
	"Chatterjee Das Dasgupta Dey Ghosh Guha Haldar Hazra Kar Majumdar "
	"Mandal Mitra Mondal Mukherjee Naskar Pal Paul Roy Saha Sarkar Sen "
	"Sengupta Sikdar Bag Bera Jana Maity Akter Ahmed Ali Alam Begum "
	"Bhuiyan Chowdhury Hossain Islam Kabir Khan Khatun Miah Molla "
	"Parvin Rahman Sheikh Siddique Sultana Talukder Uddin Hasan Howlader "
	"Mridha Sikder Sardar Munshi Pramanik Bepari Akanda Perera Fernando "
	"Silva Jayasinghe Bandara Dissanayake Gunawardena Herath Jayawardena "
	"Karunaratne Kumarasinghe Liyanage Mendis Rajapaksa Ranasinghe "
	"Senanayake Wickramasinghe Wijesinghe Rathnayake Samarasinghe "
	"Weerasinghe Ekanayake Gamage Abeysekera Amarasinghe Wijeratne "
	"Pathirana Madushanka Kumara Nanayakkara Arumugam Krishnan "
	"Murugan Natarajan Pillai Ramasamy Subramaniam Sundaram Velayutham "
	"Shanmugam Selvaraj Rajendran Ganesan Kandasamy Balasubramaniam "
	"Thangavel Periyasamy Ponnusamy Iyer Nair Menon Reddy Naidu Rao "
	"Gowda Hegde Kamath Shetty Patil Jadhav Pawar Shinde Deshmukh "
	"Kulkarni Desai Mehta Shah Parmar Solanki Chavan Gaikwad More "
	"Bhosale Kale Sawant Salunkhe Kamble Thorat Gaur Negi Bisht Rawal "
	"Panday Pradhan Mahato Sahani Ansari Qureshi Mirza Syed Pathan "
	"Shaikh Rizvi Hashmi Naqvi Zaidi Baig Kunwar Khatri Luitel "
	"Gautam Bohara Dhami Malla Shahi Chand Kandel Lamsal Nepal Pyakurel "
	"Wagle Sigdel Ojha Marasini Gyawali Humagain";

struct pool {
	char **v;
	size_t n;
};

/* Splits s at spaces into p (which keeps copies). */
static void
pool_init(struct pool *p, const char *s)
{
	p->v = NULL;
	p->n = 0;
	while (*s) {
		size_t len = strcspn(s, " ");

		if (len) {
			p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
			p->v[p->n++] = xstrndup(s, len);
		}
		s += len;
		s += *s == ' ';
	}
}

static void
pool_release(struct pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
}

struct district {
	char country[3];
	char name[64];
};

struct world {
	struct pool female, male, surname;
	struct district *districts;
	size_t ndistricts;
};

/* Reads country<TAB>subdivision<TAB>code<TAB>name lines. */
static bool
read_districts(const char *path, struct world *w)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f) {
		fprintf(stderr, "linkage: %s: %s\n", path, strerror(errno));
		return false;
	}
	w->districts = NULL;
	w->ndistricts = 0;
	while (fgets(line, sizeof(line), f)) {
		char *tab = strrchr(line, '\t');
		struct district d;
		size_t len;

		if (!tab || strncmp(line, "country\t", 8) == 0 ||
		    strlen(line) < 3 || line[2] != '\t')
			continue;
		tab++;
		len = strcspn(tab, "\r\n");
		if (len == 0 || len >= sizeof(d.name))
			continue;
		memcpy(d.country, line, 2);
		d.country[2] = '\0';
		memcpy(d.name, tab, len);
		d.name[len] = '\0';
		w->districts =
			xrealloc(w->districts, (w->ndistricts + 1) * sizeof(d));
		w->districts[w->ndistricts++] = d;
	}
	fclose(f);
	if (!w->ndistricts)
		fprintf(stderr, "linkage: %s: no districts\n", path);
	return w->ndistricts > 0;
}

enum { NAME_MAX_LEN = 48 };

struct person {
	char given[NAME_MAX_LEN], surname[NAME_MAX_LEN], father[NAME_MAX_LEN];
	char gender;
	int year, month, day;
	const struct district *district;
	char phone[16];
};

static void
copy_name(char *to, const char *from)
{
	snprintf(to, NAME_MAX_LEN, "%s", from);
}

/* The person of index i of the stream seeded seed: the same every run. */
static void
person(const struct world *w, uint64_t seed, size_t i, struct person *p)
{
	struct bench_rng r = { seed * 0x100000001b3ULL ^ (uint64_t)i };
	static const int days[] = { 31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31 };
	const char *fg;

	p->gender = below(&r, 2) ? 'F' : 'M';
	copy_name(p->given, p->gender == 'F'
				    ? w->female.v[below(&r, w->female.n)]
				    : w->male.v[below(&r, w->male.n)]);
	fg = w->male.v[below(&r, w->male.n)];
	copy_name(p->surname, w->surname.v[below(&r, w->surname.n)]);
	snprintf(p->father, sizeof(p->father), "%.23s %.23s", fg, p->surname);
	p->year = 1960 + (int)below(&r, 50);
	p->month = 1 + (int)below(&r, 12);
	p->day = 1 + (int)below(&r, (size_t)days[p->month - 1]);
	p->district = &w->districts[below(&r, w->ndistricts)];
	p->phone[0] = '\0';
	if (below(&r, 100) < 85) { /* most have a phone */
		const char *prefix =
			!strcmp(p->district->country, "NP")   ? "98"
			: !strcmp(p->district->country, "BD") ? "01"
			: !strcmp(p->district->country, "LK") ? "07"
							      : "9";
		size_t len = strlen(prefix);

		memcpy(p->phone, prefix, len);
		for (; len < 10 + (prefix[0] == '0'); len++)
			p->phone[len] = (char)('0' + below(&r, 10));
		p->phone[len] = '\0';
	}
}

/* One typo in s (kept at least 3 letters long, its first letter kept). */
static void
typo(struct bench_rng *r, char *s)
{
	size_t len = strlen(s), at;
	char c = (char)('a' + below(r, 26));

	if (len < 3)
		return;
	at = 1 + below(r, len - 1);
	switch (below(r, 4)) {
	case 0: /* a letter for another */
		s[at] = s[at] == c ? (char)(c == 'z' ? 'a' : c + 1) : c;
		break;
	case 1: /* one left out */
		if (len > 3) {
			memmove(s + at, s + at + 1, len - at);
			break;
		}
		/* fall through */
	case 2: /* one more */
		if (len + 1 < NAME_MAX_LEN) {
			memmove(s + at + 1, s + at, len - at + 1);
			s[at] = c;
		}
		break;
	default: /* two swapped */
		if (at + 1 < len && s[at] != s[at + 1]) {
			char x = s[at];

			s[at] = s[at + 1];
			s[at + 1] = x;
		} else {
			s[at] = s[at] == c ? (char)(c == 'z' ? 'a' : c + 1) : c;
		}
	}
}

/* B's copy of an A person: one light corruption, which it returns. */
static const char *
corrupt(struct bench_rng *r, struct person *p)
{
	size_t kind = below(r, 4);

	if (kind == 2 && (p->day > 12 || p->day == p->month))
		kind = 0;
	if (kind == 3 && !p->phone[0])
		kind = 0;
	switch (kind) {
	case 2: {
		int x = p->day;

		p->day = p->month;
		p->month = x;
		return "day-month";
	}
	case 3: p->phone[0] = '\0'; return "no-phone";
	default: {
		size_t f = below(r, 3);

		typo(r, f == 0 ? p->given : f == 1 ? p->surname : p->father);
		return f == 0	? "typo-given"
		       : f == 1 ? "typo-surname"
				: "typo-father";
	}
	}
}

/* A CSV cell: quoted when it holds a comma or a quote (none do today). */
static void
cell(FILE *f, const char *s, bool last)
{
	if (strpbrk(s, ",\"")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

static void
write_person(FILE *f, const char *id, const struct person *p)
{
	char dob[16], year[8], gender[2] = { p->gender, '\0' };

	snprintf(dob, sizeof(dob), "%04d-%02d-%02d", p->year, p->month, p->day);
	snprintf(year, sizeof(year), "%04d", p->year);
	cell(f, id, false);
	cell(f, p->given, false);
	cell(f, p->surname, false);
	cell(f, p->father, false);
	cell(f, gender, false);
	cell(f, dob, false);
	cell(f, year, false);
	cell(f, p->district->name, false);
	cell(f, p->district->country, false);
	cell(f, p->phone, true);
}

static FILE *
open_in(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "linkage: %s: %s\n", path, strerror(errno));
	return f;
}

static const char header[] = "id,given_name,surname,father_name,gender,"
			     "date_of_birth,birth_year,home_district,"
			     "home_country,phone\n";

static int
persons(long n, long matches, const char *districts, const char *dir)
{
	struct world w;
	struct bench_rng r = { 20240917 };
	size_t *from_a, *order;
	FILE *fa, *fb, *ft;
	bool ok;

	if (matches > n)
		matches = n;
	if (!read_districts(districts, &w))
		return 1;
	pool_init(&w.female, female_names);
	pool_init(&w.male, male_names);
	pool_init(&w.surname, surnames);
	from_a = xcalloc((size_t)n, sizeof(*from_a));
	order = xcalloc((size_t)n, sizeof(*order));
	/* from_a[0..matches): the A persons B copies, drawn without
	 * replacement; order: B's rows shuffled. */
	for (size_t i = 0; i < (size_t)n; i++)
		from_a[i] = order[i] = i;
	for (size_t i = 0; i < (size_t)n; i++) {
		size_t j = i + below(&r, (size_t)n - i), x = from_a[i];

		from_a[i] = from_a[j];
		from_a[j] = x;
		j = i + below(&r, (size_t)n - i);
		x = order[i];
		order[i] = order[j];
		order[j] = x;
	}
	fa = open_in(dir, "a.csv");
	fb = open_in(dir, "b.csv");
	ft = open_in(dir, "truth.csv");
	if (!fa || !fb || !ft)
		return 1;
	fputs(header, fa);
	fputs(header, fb);
	fputs("a_id,b_id,corruption\n", ft);
	for (size_t i = 0; i < (size_t)n; i++) {
		struct person p;
		char id[24];

		person(&w, 1, i, &p);
		snprintf(id, sizeof(id), "A%07zu", i + 1);
		write_person(fa, id, &p);
	}
	for (size_t pos = 0; pos < (size_t)n; pos++) {
		size_t k = order[pos];
		struct person p;
		char id[24];

		snprintf(id, sizeof(id), "B%07zu", pos + 1);
		if (k < (size_t)matches) {
			struct bench_rng c = { 0x5eedULL + k };
			const char *kind;

			person(&w, 1, from_a[k], &p);
			kind = corrupt(&c, &p);
			fprintf(ft, "A%07zu,%s,%s\n", from_a[k] + 1, id, kind);
		} else {
			person(&w, 2, k, &p);
		}
		write_person(fb, id, &p);
	}
	ok = !ferror(fa) && !ferror(fb) && !ferror(ft);
	ok = (fclose(fa) == 0) & (fclose(fb) == 0) & (fclose(ft) == 0) && ok;
	if (!ok)
		fprintf(stderr, "linkage: cannot write into %s\n", dir);
	else
		printf("%zu female, %zu male given names, %zu surnames, %zu "
		       "districts\n",
		       w.female.n, w.male.n, w.surname.n, w.ndistricts);
	free(from_a);
	free(order);
	free(w.districts);
	pool_release(&w.female);
	pool_release(&w.male);
	pool_release(&w.surname);
	return ok ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const char *use = "usage: linkage dice N REPEAT SCALAR_QUERIES |"
			  " persons N MATCHES DISTRICTS DIR\n";

	if (argc == 5 && !strcmp(argv[1], "dice") && number(argv[2]) > 0 &&
	    number(argv[3]) > 0 && number(argv[4]) > 0)
		return dice(number(argv[2]), number(argv[3]), number(argv[4]));
	if (argc == 6 && !strcmp(argv[1], "persons") && number(argv[2]) > 0 &&
	    number(argv[3]) >= 0)
		return persons(number(argv[2]), number(argv[3]), argv[4],
			       argv[5]);
	fputs(use, stderr);
	return 2;
}
