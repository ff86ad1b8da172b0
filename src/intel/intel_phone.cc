/*
 * The libphonenumber shim: C callers get E.164 from a number as written.
 * Digits of any script are made ASCII first (libphonenumber knows only a
 * few scripts' digits).  A number is taken when IsValidNumber accepts it:
 * IsPossibleNumber checks only the length, so any run of ten digits would
 * be an Indian "phone" and text extraction would propose account numbers
 * and order ids.  The price is that a range opened after the packaged
 * metadata was built is refused until libphonenumber is updated.
 */
#include <cstring>
#include <string>

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

extern "C" {
#include "intel/intel_norm.h"
}

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace
{

/* Longer than any phone number however it is written. */
const size_t NUMBER_MAX = 200;

/* number with digits of every script made ASCII; false if not UTF-8. */
bool
ascii_digits(const char *number, std::string &out)
{
	const uint8_t *s = reinterpret_cast<const uint8_t *>(number);
	int32_t len = static_cast<int32_t>(strlen(number)), i = 0;

	while (i < len) {
		int32_t start = i, d;
		UChar32 c;

		U8_NEXT(s, i, len, c);
		if (c < 0)
			return false;
		d = u_charDigitValue(c);
		if (c >= 0x80 && d >= 0 && d <= 9)
			out.push_back(static_cast<char>('0' + d));
		else
			out.append(number + start,
				   static_cast<size_t>(i - start));
	}
	return true;
}

bool
e164(const char *number, const char *region, char *out, size_t outlen)
{
	const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
	std::string s, region_code = "ZZ", formatted;
	PhoneNumber parsed;

	if (strlen(number) > NUMBER_MAX || !ascii_digits(number, s))
		return false;
	if (region) {
		region_code = region;
		for (char &c : region_code)
			if (c >= 'a' && c <= 'z')
				c = static_cast<char>(c - 'a' + 'A');
		if (util->GetCountryCodeForRegion(region_code) == 0)
			return false; /* not a region libphonenumber knows */
	} else {
		/* Without a region only an international number is read:
		 * 00 is the international prefix of most of the world. */
		size_t i = s.find_first_not_of(" \t");

		if (i != std::string::npos && s.compare(i, 2, "00") == 0)
			s.replace(i, 2, "+");
	}
	if (util->Parse(s, region_code, &parsed) !=
		    PhoneNumberUtil::NO_PARSING_ERROR ||
	    !util->IsValidNumber(parsed))
		return false;
	util->Format(parsed, PhoneNumberUtil::E164, &formatted);
	if (formatted.size() + 1 > outlen)
		return false;
	memcpy(out, formatted.c_str(), formatted.size() + 1);
	return true;
}

} // namespace

extern "C" bool
intel_phone_e164(const char *number, const char *region, char *out,
		 size_t outlen)
{
	try {
		return number && out && outlen > 0 &&
		       e164(number, region, out, outlen);
	} catch (...) {
		/* std::bad_alloc and the like: no exception crosses into C. */
		return false;
	}
}
