/*
 * crawl: the crawl layer's shared constants, behind one function so the
 * layer's library is never empty while its modules arrive one by one.
 */
#include "crawl.h"

const char *
crawl_product_token(void)
{
	return CRAWL_PRODUCT_TOKEN;
}
