/* Several simulated boards in one scenario (scenarios/SCHEMA.md, "nodes")
 * and the radio medium they share.  Each node is loaded as a whole
 * single-board scenario of its own, so everything a single board can do a
 * node can do too; node_run.c runs them side by side. */
#ifndef BULWARK_SCENARIO_NODES_H
#define BULWARK_SCENARIO_NODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

#define SCENARIO_MAX_NODES 16
#define NODE_NAME_MAX      31
/* The board device type a radio model will register as; no board has one
 * yet, so radio keys are load errors until it exists. */
#define RADIO_DEVICE_TYPE "bulwark-radio"
/* IEEE 802.15.4 (driver 0x30001): at most 127 bytes of PSDU. */
#define RADIO_FRAME_MAX 127
/* Nodes run in lockstep, this much simulated time at a time; between two
 * quanta is where the medium will carry frames from node to node. */
#define NODE_QUANTUM_US 100

typedef struct scenario_radio_frame {
    duration at;
    int node; /* receiving node's index; -1: every node hears it */
    uint8_t *bytes;
    size_t len;
} scenario_radio_frame;

typedef struct scenario_radio {
    bool has_medium;              /* the top-level "radio" key was given */
    double loss;                  /* probability that a frame is lost, 0..1 */
    double corrupt;               /* probability that a frame arrives corrupted, 0..1 */
    scenario_radio_frame *frames; /* inputs from the scripted peer, in file order */
    size_t num_frames;
} scenario_radio;

/* `bulwark run` for a scenario with "nodes": every node's machine in
 * lockstep, expectations judged per node.  Returns an EXIT_* status. */
int nodes_cmd_run(scenario *s, const char *report, const char *junit, bool waveforms, bool quiet);

#endif
