#!/usr/bin/env bash
# A one-node Slurm on loopback, for the sharded-build test and Examples/slurm: installs Debian's
# slurm-wlm and munge when missing, writes a minimal slurm.conf (no cgroups: proctrack/linuxproc,
# task/none), starts munged, slurmctld and slurmd, and waits until `sinfo` shows the node idle.
# Safe to run again: what runs already is left running. Needs root (or sudo).
# State and logs: /var/spool/kiln-slurm (KILN_SLURM_DIR overrides).
set -euo pipefail

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "slurm.sh needs root, or sudo, to install and start Slurm" >&2; exit 1; }
  sudo="sudo"
fi

missing=()
for p in slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} …" >&2
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >&2
fi

state=${KILN_SLURM_DIR:-/var/spool/kiln-slurm}
$sudo mkdir -p "$state/ctld" "$state/slurmd" /etc/slurm

# munge: a key (the package makes one on most installs), its folders owned by the munge user.
if [ ! -s /etc/munge/munge.key ]; then
  $sudo mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null \
    || $sudo dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
$sudo mkdir -p /run/munge /var/lib/munge /var/log/munge
$sudo chown munge:munge /etc/munge/munge.key /run/munge /var/lib/munge /var/log/munge
$sudo chmod 0400 /etc/munge/munge.key
$sudo chmod 0755 /run/munge
if ! munge -n </dev/null >/dev/null 2>&1; then
  $sudo runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n </dev/null >/dev/null || { echo "munged did not start (see /var/log/munge/munged.log)" >&2; exit 1; }
fi

# One node, "localhost", with this machine's cores and most of its memory; jobs run as the
# submitting user (the daemons run as root, so any user may submit).
cpus=$(nproc)
memory=$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
conf=$(cat <<EOF
ClusterName=kiln
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=kiln Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
EOF
)
if [ "$(cat /etc/slurm/slurm.conf 2>/dev/null)" != "$conf" ]; then
  printf '%s\n' "$conf" | $sudo tee /etc/slurm/slurm.conf >/dev/null
  # A changed configuration needs the daemons restarted.
  for daemon in slurmctld slurmd; do
    pid=$(cat "$state/$daemon.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then $sudo kill "$pid"; sleep 1; fi
  done
fi

running() { local pid; pid=$(cat "$state/$1.pid" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }
running slurmctld || $sudo /usr/sbin/slurmctld
running slurmd || $sudo /usr/sbin/slurmd -N localhost

for _ in $(seq 60); do
  if [ "$(sinfo -h -N -n localhost -o %t 2>/dev/null)" = "idle" ]; then
    echo "slurm: node localhost idle ($cpus CPUs), partition kiln" >&2
    exit 0
  fi
  # A node that was down when the controller started comes back once slurmd registers.
  $sudo scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true
  sleep 1
done
echo "slurm did not come up: sinfo shows '$(sinfo -h -N -o %t 2>&1)'; see $state/slurmctld.log and $state/slurmd.log" >&2
exit 1
