# Sourced by the GPU scripts: unpacks the static binaries pack.sh put in .gpu/binaries.tar.xz
# (kiln, GPUCheck, KilnStartupProbe: about 64 MB each, mostly the same Swift runtime and
# Foundation, so one xz stream holds all three in about 20 MB of the device tool's 64 MiB carry).
if [ -f .gpu/binaries.tar.xz ] && [ ! -x .gpu/KilnStartupProbe ]; then
  tar xJf .gpu/binaries.tar.xz -C .gpu || { echo "cannot unpack .gpu/binaries.tar.xz"; exit 2; }
fi
chmod +x .gpu/kiln .gpu/GPUCheck .gpu/KilnStartupProbe
