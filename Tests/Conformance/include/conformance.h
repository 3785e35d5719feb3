#pragma once
#define HEADER_FACTOR 2.0f
